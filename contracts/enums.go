package contracts

import "strings"

// enumNames maps a ledger enum value's proto name (ORG_KIND_GENERAL_BRANCH)
// to its short name (general-branch): the name the CLI reads and prints,
// and the name an enum field takes in a log. Filled at package init by
// each ledger (NameEnum), read only afterwards.
var enumNames = map[string]string{}

// NameEnum registers the short names of one enum's values: name(v) where
// the ledger has a name function, else (name nil) the proto name without
// prefix, in lower case, with hyphens (STAGE_DEVELOPMENT_TARGET →
// development-target). A value the name function does not know (it
// returns the proto name) and every *_UNSPECIFIED is "unspecified".
func NameEnum(values map[string]int32, prefix string, name func(int32) string) {
	for proto, v := range values {
		short := ""
		if name != nil {
			short = name(v)
		}
		switch {
		case v == 0 || short == proto:
			short = "unspecified"
		case short == "":
			short = strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(proto, prefix)), "_", "-")
		}
		enumNames[proto] = short
	}
}

// EnumName is the short name of an enum value's proto name, if a ledger
// registered it.
func EnumName(proto string) (string, bool) {
	n, ok := enumNames[proto]
	return n, ok
}
