package app

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/prometheus/client_golang/prometheus"
)

func TestRetainHeight(t *testing.T) {
	for _, tc := range []struct{ height, blocks, want int64 }{
		{1, 0, 0},
		{1000, 0, 0},
		{99, 100, 0},
		{100, 100, 0}, // nothing below height 1 to prune
		{101, 100, 2},
		{1000, 100, 901},
		{5, 1, 5},
	} {
		if got := RetainHeight(tc.height, tc.blocks); got != tc.want {
			t.Errorf("RetainHeight(%d, %d) = %d, want %d", tc.height, tc.blocks, got, tc.want)
		}
	}
}

// Through the wrapper, Commit asks CometBFT to keep exactly the last 100
// blocks once there are more than 100.
func TestCommitReportsRetainHeight(t *testing.T) {
	const retain = 100
	ta := newTestApp(t)
	app := WithRetain(ta.App, retain)
	for h := int64(1); h <= 150; h++ {
		_, com := runBlock(t, app, h)
		want := int64(0)
		if h > retain {
			want = h - retain + 1
		}
		if com.RetainHeight != want {
			t.Fatalf("height %d: RetainHeight %d, want %d", h, com.RetainHeight, want)
		}
		if want > 0 && h-com.RetainHeight+1 != retain {
			t.Fatalf("height %d: keeps %d blocks, want %d", h, h-com.RetainHeight+1, retain)
		}
	}
	// The bare app's answer is unchanged, and queries still serve the latest
	// height.
	if q := ta.query("/org/1"); q.Code != 0 || q.Height != 150 {
		t.Fatalf("query after pruning: code %d height %d", q.Code, q.Height)
	}
}

// Retaining 0 blocks is the app itself; over the instrumented app the
// wrapper keeps its metrics working.
func TestWithRetainComposes(t *testing.T) {
	ta := newTestApp(t)
	if WithRetain(ta.App, 0) != abci.Application(ta.App) {
		t.Fatal("WithRetain(app, 0) is not app")
	}
	reg := prometheus.NewRegistry()
	app := WithRetain(Instrument(ta.App, NewMetrics(reg)), 3)
	var com *abci.ResponseCommit
	for h := int64(1); h <= 5; h++ {
		_, com = runBlock(t, app, h)
	}
	if com.RetainHeight != 3 {
		t.Fatalf("RetainHeight %d at height 5 keeping 3, want 3", com.RetainHeight)
	}
	if got := gathered(t, reg)[`partychain_height{}`]; got != 5 {
		t.Fatalf("height gauge %v, want 5", got)
	}
	info, err := app.Info(context.Background(), &abci.RequestInfo{})
	if err != nil || info.LastBlockHeight != 5 {
		t.Fatalf("Info through the wrappers: %+v %v", info, err)
	}
}
