// Package story renders a member's history as a story a person can read:
// one line per act with its date in the consortium calendar's zone, what
// happened in words, who did it (key name when the clerk's keyring knows
// the address, else a short address) and the document hash if any.
package story

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// DefaultOffsetMinutes is the consortium calendar's offset from UTC when the
// chain's org params cannot be read: China Standard Time, +08:00.
const DefaultOffsetMinutes = 480

// Zone is the fixed zone of a calendar offset in minutes.
func Zone(offsetMinutes int32) *time.Location {
	return time.FixedZone("", int(offsetMinutes)*60)
}

// Names maps an address (upper-case hex, as the keyring prints it) to the
// key name the clerk's keyring holds for it.
type Names map[string]string

// Who names a signer: its key name if known, else the first 8 hex digits
// of its address with an ellipsis; "the chain" for acts with no signer
// (the chain's own end-of-block steps).
func (n Names) Who(addr []byte) string {
	if len(addr) == 0 {
		return "the chain"
	}
	h := strings.ToUpper(hex.EncodeToString(addr))
	if name, ok := n[h]; ok {
		return name
	}
	if len(h) > 8 {
		return h[:8] + "…"
	}
	return h
}

// acts are the words for each recorded action.
var acts = map[string]string{
	"member/genesis":                 "entered in the chain's first records",
	"member/import":                  "imported from paper records",
	"member/register-applicant":      "registered as an applicant for membership",
	"member/record-talk":             "talk with the applicant recorded",
	"member/talk-overdue":            "talk with the applicant became overdue",
	"member/appoint-activist":        "appointed an activist",
	"member/advance-to-target":       "made a development target",
	"member/propose-admission":       "admission proposed",
	"member/approve-admission":       "admission approved: probationary member",
	"member/record-oath":             "oath recorded",
	"member/propose-full-membership": "full membership proposed",
	"member/approve-full-membership": "full membership approved",
	"member/party-probation-ended":   "party probation ended",
	"member/discipline":              "disciplined",
	"member/record-exit":             "left the party (exit recorded)",
	"member/transfer-out":            "transfer out started",
	"member/accept-transfer":         "transfer accepted",
	"member/reject-transfer":         "transfer rejected",
	"member/transfer-expired":        "transfer expired unanswered",
	"member/register-flowing":        "registered as flowing at another branch",
	"member/end-flowing":             "no longer flowing",
}

// What says in words what an entry records; an action this client does not
// know is shown by its name.
func What(e *memberv1.HistoryEntry) string {
	s, ok := acts[e.Action]
	if !ok {
		s = strings.TrimPrefix(e.Action, "member/")
	}
	if e.BranchId != 0 {
		s += fmt.Sprintf(", branch %d", e.BranchId)
	}
	if e.Detail != "" {
		s += " (" + Dates(e.Detail) + ")"
	}
	if e.ReasonCode != 0 {
		s += fmt.Sprintf(", reason code %d", e.ReasonCode)
	}
	return s
}

// Dates rewrites the YYYYMMDD calendar dates inside a detail text as
// YYYY-MM-DD, the CLI's own format; other numbers are left as they are.
func Dates(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		if d := s[i:j]; len(d) == 8 && validDate(d) {
			b.WriteString(d[:4] + "-" + d[4:6] + "-" + d[6:])
		} else {
			b.WriteString(d)
		}
		i = j
	}
	return b.String()
}

func validDate(d string) bool {
	t, err := time.Parse("20060102", d)
	return err == nil && t.Year() >= 1900 && t.Year() <= 2200
}

// Line is one act of the story.
func Line(e *memberv1.HistoryEntry, names Names, zone *time.Location) string {
	date := time.Unix(e.TimeUnix, 0).In(zone).Format("2006-01-02")
	s := fmt.Sprintf("%s  %s — by %s", date, What(e), names.Who(e.Actor))
	if len(e.DocHash) > 0 {
		s += ", document " + hex.EncodeToString(e.DocHash)
	}
	return s
}

// Write prints the story of a page of history, one line per act, and a
// closing line on paging and the zone the dates are in.
func Write(w io.Writer, memberID uint64, p *memberv1.HistoryPage, names Names, zone *time.Location) {
	if len(p.Entries) == 0 {
		fmt.Fprintf(w, "member %d: no acts on this page\n", memberID)
	}
	for i := range p.Entries {
		fmt.Fprintln(w, Line(&p.Entries[i], names, zone))
	}
	more := ""
	if p.HasMore {
		more = fmt.Sprintf("; more on page %d", p.Page+1)
	}
	fmt.Fprintf(w, "(member %d, page %d, %d acts%s; date recorded on chain, in the consortium calendar, UTC%s; -o json shows heights and tx hashes)\n",
		memberID, p.Page, len(p.Entries), more, time.Unix(0, 0).In(zone).Format("-07:00"))
}
