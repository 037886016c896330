//go:build !upgradetest

package app

// MaxAppVersion is the newest app version this binary knows, the version of
// a new chain's genesis (app.go lists the versions).
const MaxAppVersion uint64 = 3

// versionTestRule is the test-only rule of app version 4, which only a
// build with the tag upgradetest knows (maxversion_upgradetest.go): none
// here.
func versionTestRule(uint64, string) error { return nil }
