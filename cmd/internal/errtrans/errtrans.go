// Package errtrans writes a chain refusal in the clerk's terms: from its
// codespace, code, log and Info (the typed fields of contracts.FieldsInfo)
// it fills the error's template (contracts.Wrapt) with dates as
// YYYY-MM-DD, months as YYYY-MM, enum values by their short names (the
// CLI's: contracts.EnumName) and addresses by key name where the keyring
// knows them. It reads the fields, never the log's text; a refusal without
// fields keeps its log.
package errtrans

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/partychain/partychain/contracts"
	// The ledgers register their enums' short names (contracts.NameEnum).
	_ "github.com/partychain/partychain/contracts/activity"
	_ "github.com/partychain/partychain/contracts/dues"
	_ "github.com/partychain/partychain/contracts/governance"
	_ "github.com/partychain/partychain/contracts/member"
	_ "github.com/partychain/partychain/contracts/org"
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
		if n, ok := contracts.EnumName(f.Value); ok {
			return n
		}
	case contracts.FieldAddress:
		// Upper-case hex, as the CLI writes addresses everywhere else.
		addr := strings.ToUpper(f.Value)
		if names != nil {
			if b, err := hex.DecodeString(f.Value); err == nil {
				if n, ok := names(b); ok {
					return n + " (" + addr + ")"
				}
			}
		}
		return addr
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
