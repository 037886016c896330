// Package errtrans writes a chain refusal in the clerk's terms: from its
// codespace, code, log and Info (the typed fields of contracts.FieldsInfo)
// it gives dates as YYYY-MM-DD, the waiting period's earliest date, enum
// values by the CLI's names (the ones org.ParseKind and org.ParseRole
// read) and addresses by key name where the keyring knows them. It reads
// the fields, never the log's text; a refusal without fields keeps its log.
package errtrans

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Names gives the key name of an address, if the keyring holds it; nil
// knows none.
type Names func(addr []byte) (string, bool)

// Message is the refusal's text followed by its code: "... (code date/2)".
func Message(codespace string, code uint32, log, info string, names Names) string {
	return fmt.Sprintf("%s (code %s/%d)", Text(codespace, code, log, info, names), codespace, code)
}

// Text is the refusal's text without its code: the registered error's
// description, then the template the chain filled (contracts.Wrapt) filled
// again in the clerk's terms. A refusal with fields but no template gives
// its fields as "key value" pairs; one without fields keeps its log.
func Text(codespace string, code uint32, log, info string, names Names) string {
	in := contracts.ParseInfo(info)
	fs := in.Fields
	// A tx's message error names its message and action first.
	prefix := ""
	if len(fs) >= 2 && fs[0].Key == "message" && fs[1].Key == "action" {
		prefix = fmt.Sprintf("message %s (%s): ", fs[0].Value, fs[1].Value)
		fs = fs[2:]
	}
	if len(fs) == 0 {
		return log
	}
	desc := log
	if e := registered(codespace, code); e != nil {
		desc = e.Desc
	}
	if in.Template != "" {
		return prefix + desc + ": " + contracts.Render(in.Template, fs, func(f contracts.Field) string { return Value(f, names) })
	}
	return prefix + desc + ": " + list(fs, names)
}

// list writes fields as "key value, key value" (underscores in keys as
// spaces).
func list(fs []contracts.Field, names Names) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = strings.ReplaceAll(f.Key, "_", " ") + " " + Value(f, names)
	}
	return strings.Join(parts, ", ")
}

// enums maps every ledger enum's proto names to the CLI's names: the
// ledger's own name function where the CLI reads the value as a flag
// (org.ParseKind, activity.ParseKind, ...), else the name without its
// type's prefix, lower case, with hyphens (STAGE_DEVELOPMENT_TARGET →
// development-target), as the CLI prints it.
var enums = func() map[string]string {
	m := map[string]string{}
	add := func(values map[string]int32, name func(int32) string) {
		for n, v := range values {
			if m[n] = name(v); m[n] == n { // the ledger names no UNSPECIFIED
				m[n] = "unspecified"
			}
		}
	}
	add(orgv1.OrgKind_value, func(v int32) string { return org.KindName(orgv1.OrgKind(v)) })
	add(orgv1.Role_value, func(v int32) string { return org.RoleName(orgv1.Role(v)) })
	add(activityv1.MeetingKind_value, func(v int32) string { return activity.KindName(activityv1.MeetingKind(v)) })
	add(activityv1.ResolutionKind_value, func(v int32) string { return activity.ResolutionKindName(activityv1.ResolutionKind(v)) })
	add(activityv1.QuorumRule_value, func(v int32) string { return activity.QuorumName(activityv1.QuorumRule(v)) })
	for prefix, values := range map[string]map[string]int32{
		"ORG_STATUS_": orgv1.OrgStatus_value, "STAGE_": memberv1.Stage_value, "STATUS_": memberv1.Status_value,
		"EXIT_KIND_": memberv1.ExitKind_value, "DISCIPLINE_KIND_": memberv1.DisciplineKind_value,
		"PROBATION_OUTCOME_": memberv1.ProbationOutcome_value, "PERIOD_": activityv1.Period_value,
		"PROPOSAL_KIND_": governancev1.ProposalKind_value, "PROPOSAL_STATUS_": governancev1.ProposalStatus_value,
		"CATEGORY_": duesv1.Category_value, "SPEND_STATUS_": duesv1.SpendStatus_value,
	} {
		for n := range values {
			m[n] = strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(n, prefix)), "_", "-")
		}
	}
	return m
}()

// Value is one field in the clerk's terms: a date as YYYY-MM-DD, a month
// as YYYY-MM, an enum
// by its CLI name, an address by key name (with its hex) where names knows
// it; anything else as the chain gave it.
func Value(f contracts.Field, names Names) string {
	switch f.Kind {
	case contracts.FieldDate:
		if len(f.Value) == 8 {
			return f.Value[:4] + "-" + f.Value[4:6] + "-" + f.Value[6:]
		}
	case contracts.FieldMonth:
		if len(f.Value) == 6 {
			return f.Value[:4] + "-" + f.Value[4:]
		}
	case contracts.FieldEnum:
		if n, ok := enums[f.Value]; ok {
			return n
		}
	case contracts.FieldAddress:
		if names != nil {
			if b, err := hex.DecodeString(f.Value); err == nil {
				if n, ok := names(b); ok {
					return n + " (" + f.Value + ")"
				}
			}
		}
	}
	return f.Value
}

func registered(codespace string, code uint32) *contracts.Error {
	for _, e := range contracts.Registered() {
		if e.Codespace == codespace && e.Code == code {
			return e
		}
	}
	return nil
}
