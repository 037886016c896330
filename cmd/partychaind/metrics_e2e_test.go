//go:build unix

package main

// Real-process check of the operations settings: Prometheus on a loopback
// port serves CometBFT's metrics and the app's own, and a node with a retain
// policy in app.toml runs. Helpers are in procs_test.go.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partychain/partychain/config"
)

func TestMetricsEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	port := freePorts(t, 1)[0]
	n.setConfig(map[string]string{
		"instrumentation.prometheus":             "true",
		"instrumentation.prometheus_listen_addr": fmt.Sprintf(`"127.0.0.1:%d"`, port),
	})
	appConf := config.Default()
	appConf.Node.RetainBlocks = config.MinRetainBlocks
	if err := config.Write(n.home, appConf); err != nil {
		t.Fatal(err)
	}
	n.start()
	n.waitHeight(1)
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "Metrics Branch", "--from", "secretary")

	want := []string{
		`partychain_txs_total{action="org/create",code="0",codespace=""} 1`,
		`partychain_block_execution_seconds_count`,
		`partychain_members{stage="applicant"} 0`,
		`partychain_dues_fen{kind="balance"} 0`,
		`partychain_height `,
		`cometbft_consensus_height{`,
	}
	var page string
	n.waitFor("the app's and CometBFT's metrics", func() bool {
		page = scrape(t, port)
		for _, w := range want {
			if !strings.Contains(page, w) {
				return false
			}
		}
		return true
	})
	n.stop()
}

// scrape GETs /metrics from the Prometheus listener on 127.0.0.1:port; an
// error gives "" (the listener may not be up yet).
func scrape(t *testing.T, port int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/metrics", port), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rpcHTTP.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(body)
}

// With retain_blocks = 100, CometBFT prunes its block store once the chain
// is past 100 blocks: the earliest block moves up and height 1 is gone,
// while app queries still answer at the latest height.
func TestRetainBlocksPrunes(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.setConfig(map[string]string{"consensus.timeout_commit": `"10ms"`})
	appConf := config.Default()
	appConf.Node.RetainBlocks = config.MinRetainBlocks
	if err := config.Write(n.home, appConf); err != nil {
		t.Fatal(err)
	}
	n.start()
	n.waitHeight(config.MinRetainBlocks + 20)
	var st struct {
		SyncInfo struct {
			Earliest u64 `json:"earliest_block_height"`
			Latest   u64 `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if err := n.rpcGet("/status", &st); err != nil {
		t.Fatal(err)
	}
	if st.SyncInfo.Earliest <= 1 || int64(st.SyncInfo.Latest-st.SyncInfo.Earliest)+1 < config.MinRetainBlocks {
		t.Fatalf("earliest block %d, latest %d: want pruning below latest-%d+1", st.SyncInfo.Earliest, st.SyncInfo.Latest, config.MinRetainBlocks)
	}
	t.Logf("earliest block %d, latest %d", st.SyncInfo.Earliest, st.SyncInfo.Latest)
	var b blockResult
	if err := n.rpcGet("/block?height=1", &b); err == nil {
		t.Fatalf("block 1 is still served after pruning")
	}
	var q queryJSON[orgJSON]
	n.mustClient(&q, "query", "org", "show", "1")
	if q.Result.ID != 1 || uint64(q.Height) < uint64(st.SyncInfo.Latest) {
		t.Fatalf("query after pruning: %+v", q)
	}
	n.stop()
}
