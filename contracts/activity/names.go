package activity

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// kindRule says who may hold a kind of meeting and who may attend it.
type kindRule struct {
	name string
	// heldBy is the kind of organization that holds the meeting;
	// UNSPECIFIED means any kind.
	heldBy orgv1.OrgKind
	// partyOnly admits only party members (probationary or full); the
	// others also admit applicants, activists and development targets.
	partyOnly bool
}

var kindRules = map[activityv1.MeetingKind]kindRule{
	activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL:      {"branch-general", orgv1.OrgKind_ORG_KIND_BRANCH, true},
	activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE:    {"branch-committee", orgv1.OrgKind_ORG_KIND_BRANCH, true},
	activityv1.MeetingKind_MEETING_KIND_GROUP:               {"group", orgv1.OrgKind_ORG_KIND_GROUP, true},
	activityv1.MeetingKind_MEETING_KIND_PARTY_LESSON:        {"party-lesson", orgv1.OrgKind_ORG_KIND_BRANCH, false},
	activityv1.MeetingKind_MEETING_KIND_THEME_DAY:           {"theme-day", orgv1.OrgKind_ORG_KIND_BRANCH, false},
	activityv1.MeetingKind_MEETING_KIND_ORGANIZATIONAL_LIFE: {"organizational-life", orgv1.OrgKind_ORG_KIND_BRANCH, true},
	activityv1.MeetingKind_MEETING_KIND_TRAINING:            {"training", orgv1.OrgKind_ORG_KIND_UNSPECIFIED, false},
	activityv1.MeetingKind_MEETING_KIND_STUDY:               {"study", orgv1.OrgKind_ORG_KIND_UNSPECIFIED, false},
}

// ordered lists for the parse helpers' messages (never iterate the maps).
var (
	kindOrder = []activityv1.MeetingKind{
		activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL, activityv1.MeetingKind_MEETING_KIND_BRANCH_COMMITTEE,
		activityv1.MeetingKind_MEETING_KIND_GROUP, activityv1.MeetingKind_MEETING_KIND_PARTY_LESSON,
		activityv1.MeetingKind_MEETING_KIND_THEME_DAY, activityv1.MeetingKind_MEETING_KIND_ORGANIZATIONAL_LIFE,
		activityv1.MeetingKind_MEETING_KIND_TRAINING, activityv1.MeetingKind_MEETING_KIND_STUDY,
	}
	resolutionKindNames = []string{"", "admission", "full-membership", "other", "extend-probation", "cancel-probation"}
	quorumNames         = []string{"", "majority-of-entitled", "majority-of-cast", "two-thirds-of-entitled"}
)

// KindName is the short name of a meeting kind ("branch-general"), used in
// events, errors and the CLI.
func KindName(k activityv1.MeetingKind) string {
	if r, ok := kindRules[k]; ok {
		return r.name
	}
	return k.String()
}

// ParseKind reads a short meeting kind name.
func ParseKind(s string) (activityv1.MeetingKind, error) {
	names := make([]string, len(kindOrder))
	for i, k := range kindOrder {
		if kindRules[k].name == s {
			return k, nil
		}
		names[i] = kindRules[k].name
	}
	return 0, ErrInvalidMeeting.Wrapf("kind %q (want %s)", s, strings.Join(names, ", "))
}

// ResolutionKindName is the short name of a resolution kind ("admission").
func ResolutionKindName(k activityv1.ResolutionKind) string {
	if k > 0 && int(k) < len(resolutionKindNames) {
		return resolutionKindNames[k]
	}
	return k.String()
}

// ParseResolutionKind reads a short resolution kind name.
func ParseResolutionKind(s string) (activityv1.ResolutionKind, error) {
	for i, n := range resolutionKindNames[1:] {
		if n == s {
			return activityv1.ResolutionKind(i + 1), nil
		}
	}
	return 0, ErrInvalidResolution.Wrapf("kind %q (want %s)", s, strings.Join(resolutionKindNames[1:], ", "))
}

// QuorumName is the short name of a quorum rule ("majority-of-entitled").
func QuorumName(q activityv1.QuorumRule) string {
	if q > 0 && int(q) < len(quorumNames) {
		return quorumNames[q]
	}
	return q.String()
}

// ParseQuorum reads a short quorum rule name.
func ParseQuorum(s string) (activityv1.QuorumRule, error) {
	for i, n := range quorumNames[1:] {
		if n == s {
			return activityv1.QuorumRule(i + 1), nil
		}
	}
	return 0, ErrInvalidResolution.Wrapf("quorum %q (want %s)", s, strings.Join(quorumNames[1:], ", "))
}

// validTopic checks a topic: 1 to max bytes of UTF-8, no spaces at either
// end, and no control, format (zero-width, direction overrides, byte-order
// mark) or line/paragraph separator characters, so a topic cannot hide text
// in an explorer. The same rule as organization names.
func validTopic(topic string, max uint32) error {
	switch {
	case topic == "":
		return ErrInvalidMeeting.Wrap("topic is empty")
	case uint64(len(topic)) > uint64(max):
		return ErrInvalidMeeting.Wrapf("topic is %d bytes, at most %d", len(topic), max)
	case !utf8.ValidString(topic):
		return ErrInvalidMeeting.Wrap("topic is not UTF-8")
	case strings.TrimSpace(topic) != topic:
		return ErrInvalidMeeting.Wrap("topic has spaces at the start or end")
	case strings.IndexFunc(topic, invisible) >= 0:
		return ErrInvalidMeeting.Wrap("topic has control, format or separator characters")
	}
	return contracts.CheckFreeText("topic", topic)
}

func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}
