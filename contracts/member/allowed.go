package member

import (
	"strconv"
	"strings"

	"github.com/partychain/partychain/contracts"
)

// allowed is the allowed values of an enum, for a refusal that names them:
// the template part ("{key_1}, {key_2} or {key_3}") and one enum field per
// value (proto names, in the order given), so the clerk reads them by the
// CLI's names.
func allowed(key string, names ...string) (string, []contracts.Field) {
	parts := make([]string, len(names))
	fs := make([]contracts.Field, len(names))
	for i, n := range names {
		k := key + "_" + strconv.Itoa(i+1)
		parts[i], fs[i] = "{"+k+"}", contracts.Enum(k, n)
	}
	if len(parts) < 2 {
		return strings.Join(parts, ""), fs
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1], fs
}
