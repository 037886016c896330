package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/clitext"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Parsers shared by the member, meeting and roster commands. Dates on the
// command line are YYYY-MM-DD; the chain holds them as uint32 YYYYMMDD.

// parseDate reads a YYYY-MM-DD calendar date as YYYYMMDD.
func parseDate(what, s string) (uint32, error) { return clitext.ParseDate(what, s) }

// formatDate shows YYYYMMDD as YYYY-MM-DD, and 0 (no date) as "-".
func formatDate(d uint32) string { return clitext.FormatDate(d) }

// parseHash reads a 32-byte hash given as 64 hex digits.
func parseHash(what, s string) ([]byte, error) { return clitext.ParseHash(what, s) }

// parseOptionalHash is parseHash that reads "" as no hash.
func parseOptionalHash(what, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	return parseHash(what, s)
}

// parseMemberID reads a member (or meeting) id: a whole number from 1.
func parseMemberID(what, s string) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("%s %q must be a whole number from 1", what, s)
	}
	return id, nil
}

// parseIDList reads "1,2,3": distinct ids from 1.
func parseIDList(what, s string) ([]uint64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%s is empty: want ids such as 12,15", what)
	}
	var ids []uint64
	seen := map[uint64]bool{}
	for _, part := range strings.Split(s, ",") {
		id, err := parseMemberID(what+": id", part)
		if err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, fmt.Errorf("%s names %d twice", what, id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids, nil
}

// enumName is the short CLI name of a proto enum value:
// STAGE_DEVELOPMENT_TARGET → development-target.
func enumName(s, prefix string) string { return clitext.EnumName(s, prefix) }

// parseEnum reads the short name of one of the allowed values of an enum.
func parseEnum[E ~int32](what, s string, allowed []E, name func(E) string) (E, error) {
	return clitext.ParseEnum(what, s, allowed, name)
}

func stageName(s memberv1.Stage) string       { return clitext.StageName(s) }
func statusName(s memberv1.Status) string     { return enumName(s.String(), "STATUS_") }
func exitKindName(k memberv1.ExitKind) string { return enumName(k.String(), "EXIT_KIND_") }
func disciplineName(k memberv1.DisciplineKind) string {
	return enumName(k.String(), "DISCIPLINE_KIND_")
}
func outcomeName(o memberv1.ProbationOutcome) string {
	return enumName(o.String(), "PROBATION_OUTCOME_")
}

var (
	disciplineKinds = []memberv1.DisciplineKind{
		memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING, memberv1.DisciplineKind_DISCIPLINE_KIND_SERIOUS_WARNING,
		memberv1.DisciplineKind_DISCIPLINE_KIND_REMOVAL_FROM_POSTS, memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION,
		memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION,
	}
	// exitKinds are the exits tx member exit records; expulsion is a
	// discipline and a cancelled probation a full-membership decision.
	exitKinds = []memberv1.ExitKind{
		memberv1.ExitKind_EXIT_KIND_REMOVAL, memberv1.ExitKind_EXIT_KIND_LAPSE, memberv1.ExitKind_EXIT_KIND_WITHDRAWAL,
		memberv1.ExitKind_EXIT_KIND_DECEASED, memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED,
	}
	outcomes = []memberv1.ProbationOutcome{
		memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME, memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND,
		memberv1.ProbationOutcome_PROBATION_OUTCOME_CANCEL,
	}
)

// parseExitKind reads an exit kind, pointing expulsion and cancelled
// probations to the commands that record them.
func parseExitKind(s string) (memberv1.ExitKind, error) {
	switch s {
	case "expulsion":
		return 0, errors.New("--kind expulsion: expulsion is a discipline: use tx member discipline ID --kind expulsion")
	case "probation-cancelled", "cancel":
		return 0, errors.New("--kind " + s + ": cancelling a probation is a full-membership decision: use tx member propose-full ID --outcome cancel")
	}
	return parseEnum("--kind", s, exitKinds, exitKindName)
}

// Flag readers: each names the flag in its error.

func flagDate(cmd *cobra.Command, name string) (uint32, error) {
	s, _ := cmd.Flags().GetString(name)
	return parseDate("--"+name, s)
}

func flagHash(cmd *cobra.Command, name string, optional bool) ([]byte, error) {
	s, _ := cmd.Flags().GetString(name)
	if optional {
		return parseOptionalHash("--"+name, s)
	}
	return parseHash("--"+name, s)
}

func flagIDs(cmd *cobra.Command, name string) ([]uint64, error) {
	s, _ := cmd.Flags().GetString(name)
	return parseIDList("--"+name, s)
}

func flagID(cmd *cobra.Command, name string) (uint64, error) {
	s, _ := cmd.Flags().GetString(name)
	return parseMemberID("--"+name, s)
}

func flagUint32(cmd *cobra.Command, name string) uint32 {
	v, _ := cmd.Flags().GetUint32(name)
	return v
}
