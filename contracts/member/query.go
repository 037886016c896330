package member

import (
	"encoding/binary"
	"fmt"
	"net/url"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// QueryMember answers /member/...:
//
//	/member/params
//	/member/{id}
//	/member/{id}/history?page=&limit=
//	/member/{id}/standing   (political birthday and party standing today)
func (k *Keeper) QueryMember(r state.Reader, path []string, q url.Values) (proto.Message, error) {
	if len(path) == 1 && path[0] == "params" {
		p, err := k.Params(r)
		return &p, err
	}
	if len(path) < 1 || len(path) > 2 {
		return nil, contracts.ErrUnknownQuery.Wrap("want /member/params, /member/{id}, /member/{id}/history or /member/{id}/standing")
	}
	id, err := contracts.ParseID(path[0])
	if err != nil {
		return nil, err
	}
	m, err := k.Member(r, id)
	if err != nil {
		return nil, err
	}
	if len(path) == 1 {
		return m, nil
	}
	switch path[1] {
	case "history":
		return k.history(r, m, q)
	case "standing":
		return standing(r, m)
	}
	return nil, contracts.ErrUnknownQuery.Wrapf("/member/%s/%s", path[0], path[1])
}

func (k *Keeper) history(r state.Reader, m *memberv1.Member, q url.Values) (proto.Message, error) {
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	out := &memberv1.HistoryPage{Page: pg.Page, Limit: pg.Limit}
	out.Next, err = contracts.ScanPage(r, historyPrefix(m.Id), pg, func(key, value []byte) error {
		var e memberv1.HistoryEntry
		if err := e.Unmarshal(value); err != nil {
			return fmt.Errorf("corrupt history entry %x: %w", key, err)
		}
		out.Entries = append(out.Entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.HasMore = out.Next != ""
	return out, nil
}

func standing(r state.Reader, m *memberv1.Member) (proto.Message, error) {
	clock, err := contracts.LoadClock(r)
	if err != nil {
		return nil, err
	}
	s := &memberv1.Standing{MemberId: m.Id, AsOf: clock.Today, AdmissionDate: m.AdmissionDate, FullDate: m.FullDate}
	if m.Status != memberv1.Status_STATUS_EXITED {
		if m.FullDate != 0 {
			s.StandingYears = contracts.WholeYears(m.FullDate, clock.Today)
		}
		if m.AdmissionDate != 0 {
			s.MembershipYears = contracts.WholeYears(m.AdmissionDate, clock.Today)
		}
	}
	return s, nil
}

// QueryOrgMembers answers /org/{id}/members?stage=&page=&limit=: the
// members a branch counts (not in transfer, not exited), by stage then id.
// stage is a name such as "full" or "development-target"; none lists all.
func (k *Keeper) QueryOrgMembers(r state.Reader, o *orgv1.Organization, q url.Values) (proto.Message, error) {
	prefix := rosterPrefix(o.Id)
	if s := q.Get("stage"); s != "" {
		stage, err := ParseStage(s)
		if err != nil {
			return nil, contracts.ErrBadQuery.Wrap(err.Error())
		}
		prefix = rosterStagePrefix(o.Id, stage)
	}
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	out := &memberv1.MemberPage{Page: pg.Page, Limit: pg.Limit}
	out.Next, err = contracts.ScanPage(r, prefix, pg, func(key, _ []byte) error {
		m, err := k.Member(r, binary.BigEndian.Uint64(key[len(key)-8:]))
		if err != nil {
			return contracts.Corrupt(err, "roster entry %x", key)
		}
		out.Members = append(out.Members, *m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.HasMore = out.Next != ""
	return out, nil
}

// QueryOrgStats answers /org/{id}/stats: counts by stage of its subtree.
func (k *Keeper) QueryOrgStats(r state.Reader, o *orgv1.Organization, _ url.Values) (proto.Message, error) {
	return k.Stats(r, o.Id)
}

// CheckDissolve refuses to dissolve an organization that counts members or
// has transfers or flowing members in flight (org.DissolveGuard).
func (k *Keeper) CheckDissolve(r state.Reader, orgID uint64) error {
	s, err := k.Stats(r, orgID)
	if err != nil {
		return err
	}
	if n := s.Applicants + s.Activists + s.DevelopmentTargets + s.Probationary + s.Full; n > 0 {
		return ErrOrgHasMembers.Wrapf("organization %d counts %d members", orgID, n)
	}
	for _, kind := range []byte{kindIncoming, kindOutgoing, kindFlowing} {
		it := state.PrefixIterator(r, pairPrefix(kind, orgID))
		busy := it.Valid()
		err := it.Error()
		it.Close()
		if err != nil {
			return err
		}
		if busy {
			return ErrOrgHasMembers.Wrapf("organization %d has transfers or flowing members in flight", orgID)
		}
	}
	return nil
}

var stageNames = map[string]memberv1.Stage{
	"applicant":          memberv1.Stage_STAGE_APPLICANT,
	"activist":           memberv1.Stage_STAGE_ACTIVIST,
	"development-target": memberv1.Stage_STAGE_DEVELOPMENT_TARGET,
	"probationary":       memberv1.Stage_STAGE_PROBATIONARY,
	"full":               memberv1.Stage_STAGE_FULL,
}

// ParseStage reads a stage name.
func ParseStage(s string) (memberv1.Stage, error) {
	if st, ok := stageNames[s]; ok {
		return st, nil
	}
	return 0, fmt.Errorf("stage %q: want applicant, activist, development-target, probationary or full", contracts.Echo(s))
}
