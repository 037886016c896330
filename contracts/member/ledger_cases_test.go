package member

import (
	"testing"

	"github.com/partychain/partychain/contracts"
)

// The codes clients see, hard-coded: renumbering one must break a test.
var (
	cNotFound    = code{"member", 2}
	cUnauth      = code{"member", 3}
	cStage       = code{"member", 4}
	cExited      = code{"member", 5}
	cMalformed   = code{"member", 6}
	cNotBranch   = code{"member", 7}
	cYoung       = code{"member", 8}
	cWaiting     = code{"member", 9}
	cDeadline    = code{"member", 10}
	cOrder       = code{"member", 11}
	cNotFull     = code{"member", 12}
	cTraining    = code{"member", 13}
	cMeeting     = code{"member", 14}
	cQuorum      = code{"member", 15}
	cNoPending   = code{"member", 16}
	cPending     = code{"member", 17}
	cExtended    = code{"member", 18}
	cNoTransfer  = code{"member", 19}
	cInTransfer  = code{"member", 20}
	cSameBranch  = code{"member", 21}
	cFlowing     = code{"member", 22}
	cNotFlowing  = code{"member", 23}
	cDiscipline  = code{"member", 24}
	cExit        = code{"member", 25}
	cRecorded    = code{"member", 26}
	cHasMembers  = code{"member", 27}
	cDate        = code{"date", 2}
	cOrgNotFound = code{"org", 2}
	cDissolved   = code{"org", 14}
	cNoMeeting   = code{"activity", 2}
)

// txCase is one row of a table: a tx, who signs it and what comes of it
// (want nil: accepted and kept).
type txCase struct {
	name   string
	signer string
	msg    any
	want   *contracts.Error
	code   code
}

// runCases runs the rows in order on the same chain: refusals write
// nothing, so only the accepted rows change what later rows see.
func (c *chain) runCases(t *testing.T, cases []txCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want != nil {
				c.rejected(t, tc.signer, tc.msg, tc.want, tc.code)
				return
			}
			b, _, err := c.try(tc.signer, tc.msg)
			checkErr(t, err, nil, code{})
			b.Write()
		})
	}
}
