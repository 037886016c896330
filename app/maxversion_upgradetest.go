//go:build upgradetest

package app

// MaxAppVersion in a build with the tag upgradetest: a test-only app
// version 4, whose one rule change (versionTestRule) lets the upgrade tests
// switch versions without inventing a real rule (docs/upgrades.md). No
// release is built with this tag.
const MaxAppVersion uint64 = 4

// ProbeMemo is the memo the test-only version 4 refuses.
const ProbeMemo = "v4-probe"

// versionTestRule refuses a tx with the memo ProbeMemo from app version 4;
// before it the memo is accepted like any other.
func versionTestRule(version uint64, memo string) error {
	if version >= 4 && memo == ProbeMemo {
		return ErrInvalidMemo.Wrapf("%q is refused from app version 4 (the upgradetest build's test rule)", ProbeMemo)
	}
	return nil
}
