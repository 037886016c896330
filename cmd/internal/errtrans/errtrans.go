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
	"github.com/partychain/partychain/contracts/member"
	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Names gives the key name of an address, if the keyring holds it; nil
// knows none.
type Names func(addr []byte) (string, bool)

// Message is the refusal's text followed by its code: "... (code date/2)".
func Message(codespace string, code uint32, log, info string, names Names) string {
	return fmt.Sprintf("%s (code %s/%d)", Text(codespace, code, log, info, names), codespace, code)
}

// Text is the refusal's text without its code. Without fields it is log.
func Text(codespace string, code uint32, log, info string, names Names) string {
	fs := contracts.ParseFieldsInfo(info)
	// A tx's message error names its message and action first.
	prefix := ""
	if len(fs) >= 2 && fs[0].Key == "message" && fs[1].Key == "action" {
		prefix = fmt.Sprintf("message %s (%s): ", fs[0].Value, fs[1].Value)
		fs = fs[2:]
	}
	if len(fs) == 0 {
		return log
	}
	return prefix + text(codespace, code, log, fs, names)
}

func text(codespace string, code uint32, log string, fs []contracts.Field, names Names) string {
	date, wait := contracts.ErrInvalidDate, member.ErrWaitingPeriod
	switch {
	case codespace == date.Codespace && code == date.Code:
		return dateText(fs, names)
	case codespace == wait.Codespace && code == wait.Code:
		return waitText(fs, names)
	case codespace == member.ErrDateOrder.Codespace && code == member.ErrDateOrder.Code:
		if t := orderText(fs, names); t != "" {
			return t
		}
	}
	desc := log
	if e := registered(codespace, code); e != nil {
		desc = e.Desc
	}
	return desc + ": " + list(fs, names)
}

// dateText: "admission date 2027-01-05 is after today (2026-12-08)", "date
// 2026-01-01 is too far back: today 2026-12-08, earliest 2026-11-08", or
// "date 2027-02-30 is not a calendar date".
func dateText(fs []contracts.Field, names Names) string {
	today, hasToday := find(fs, "today")
	earliest, hasEarliest := find(fs, "earliest")
	var acts []contracts.Field
	for _, f := range fs {
		if f.Key != "today" && f.Key != "earliest" {
			acts = append(acts, f)
		}
	}
	switch {
	case hasEarliest && hasToday:
		return fmt.Sprintf("invalid date: %s is too far back (today %s, earliest %s)", list(acts, names), Value(today, names), Value(earliest, names))
	case hasToday:
		var late []contracts.Field
		for _, f := range acts {
			if f.Kind == contracts.FieldDate && f.Value > today.Value && len(f.Value) == len(today.Value) {
				late = append(late, f)
			}
		}
		if len(late) == 0 {
			late = acts
		}
		return fmt.Sprintf("invalid date: %s is after today (%s)", list(late, names), Value(today, names))
	default:
		return fmt.Sprintf("invalid date: %s is not a calendar date (want YYYY-MM-DD)", list(acts, names))
	}
}

// waitText: "waiting period not met: earliest 2027-11-26".
func waitText(fs []contracts.Field, names Names) string {
	return "waiting period not met: " + list(fs, names)
}

// orderText: "meeting date 2026-03-01 is before the oath (2026-03-05)";
// "" if the fields are not those of member/11.
func orderText(fs []contracts.Field, names Names) string {
	step, ok1 := find(fs, "step")
	stepDate, ok2 := find(fs, "step_date")
	if !ok1 || !ok2 || len(fs) != 3 || fs[0].Kind != contracts.FieldDate {
		return ""
	}
	return fmt.Sprintf("%s is before %s (%s)", list(fs[:1], names), step.Value, Value(stepDate, names))
}

func find(fs []contracts.Field, key string) (contracts.Field, bool) {
	for _, f := range fs {
		if f.Key == key {
			return f, true
		}
	}
	return contracts.Field{}, false
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

// Value is one field in the clerk's terms.
func Value(f contracts.Field, names Names) string {
	switch f.Kind {
	case contracts.FieldDate:
		if len(f.Value) == 8 {
			return f.Value[:4] + "-" + f.Value[4:6] + "-" + f.Value[6:]
		}
	case contracts.FieldEnum:
		if k, ok := orgv1.OrgKind_value[f.Value]; ok {
			return org.KindName(orgv1.OrgKind(k))
		}
		if r, ok := orgv1.Role_value[f.Value]; ok {
			return org.RoleName(orgv1.Role(r))
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
