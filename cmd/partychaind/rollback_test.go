package main

import (
	"errors"
	"strings"
	"testing"
)

// TestPlanRollback: which steps a rollback takes, or what it refuses with,
// for each combination of what the app and CometBFT hold.
func TestPlanRollback(t *testing.T) {
	x, y, z := []byte{0xAA}, []byte{0xBB}, []byte{0xCC}
	// at10 is the usual view: everything at height 10 with app hash y,
	// whose state before it (app hash x) is what block 10's header names.
	at10 := func() rollbackView {
		return rollbackView{appHeight: 10, appHash: y, undoHash: x, stateHeight: 10, stateAppHash: y, storeHeight: 10, headerAppHash: x}
	}
	for _, c := range []struct {
		name    string
		edit    func(*rollbackView)
		hard    bool
		undoApp bool
		comet   bool
		refusal string // a part of the error; "" for none
	}{
		{"all at one height", func(*rollbackView) {}, false, true, true, ""},
		{"all at one height, --hard", func(*rollbackView) {}, true, true, true, ""},
		{"no block yet", func(v *rollbackView) { *v = rollbackView{} }, false, false, false, "nothing to roll back"},
		{"app hashes differ", func(v *rollbackView) { v.stateAppHash = z }, false, false, false, "disagree on height 10's app hash"},
		{"the app cannot step back", func(v *rollbackView) { v.undoErr = errors.New("height 1") }, false, false, false, "the app cannot step back: height 1"},
		{"CometBFT cannot step back", func(v *rollbackView) { v.cometErr = errors.New("block 9 is not stored") }, false, false, false,
			"CometBFT cannot step back from height 10: block 9 is not stored"},
		{"undo record and header differ", func(v *rollbackView) { v.headerAppHash = z }, false, false, false, "block 10's header says CC"},
		{"rerun after the app's step", func(v *rollbackView) { v.appHeight, v.appHash = 9, x }, false, false, true, ""},
		{"rerun, another app hash", func(v *rollbackView) { v.appHeight, v.appHash = 9, z }, false, false, false, "the app is at height 9 (app hash CC)"},
		{"a kept block", func(v *rollbackView) { v.storeHeight = 11 }, false, false, false, "holds block 11 above its state and the app"},
		{"a kept block, --hard", func(v *rollbackView) { v.storeHeight = 11 }, true, false, true, ""},
		{"app ahead", func(v *rollbackView) { v.appHeight, v.storeHeight = 11, 11 }, false, false, false, "stopped between the app's commit and CometBFT's"},
		{"app far behind", func(v *rollbackView) { v.appHeight = 7 }, false, false, false,
			"the app is at height 7 (app hash BB), CometBFT's state at 10 (app hash BB), its block store at 10"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := at10()
			c.edit(&v)
			p, err := planRollback(v, c.hard)
			if c.refusal != "" {
				if err == nil || !strings.Contains(err.Error(), c.refusal) || !strings.Contains(err.Error(), "nothing") {
					t.Fatalf("got %+v, %v; want a refusal with %q that says nothing changed", p, err, c.refusal)
				}
				return
			}
			if err != nil || p.undoApp != c.undoApp || p.comet != c.comet {
				t.Fatalf("got %+v, %v; want app step %v, CometBFT step %v", p, err, c.undoApp, c.comet)
			}
		})
	}
}
