package loadgen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sampleReport() *Report {
	r := &Report{
		Kind: KindRegistrations, Nodes: []string{"tcp://127.0.0.1:26657"}, Signers: 8, Rate: 2000,
		Duration: Seconds(10 * time.Second), Setup: Seconds(2214 * time.Millisecond), SetupMessages: 16, SetupTxs: 2,
		Offered: 20000, Sent: 19992, Acknowledged: 19990,
		Refused:   map[string]uint64{"tx/12": 1, "app/3": 1},
		Errors:    map[string]uint64{},
		Committed: 19990, CommittedOK: 19989, FailedInBlock: map[string]uint64{"member/9": 1},
		Blocks: 11, MaxBlockTxs: 2086, CommittedTPS: 1877.44, Span: Seconds(10648 * time.Millisecond),
	}
	r.Latency.P50, r.Latency.P99, r.Latency.Max = Millis(757*time.Millisecond), Millis(1301*time.Millisecond), Millis(1368500*time.Microsecond)
	return r
}

func TestReportText(t *testing.T) {
	var b bytes.Buffer
	sampleReport().WriteText(&b)
	want := `bench registrations: 8 signer connection(s) to tcp://127.0.0.1:26657
  offered        2000 tx/s for 10.000s: 20000 offered, 19992 sent
  setup          2.214s (16 messages in 2 txs)
  acknowledged   19990
  refused        app/3: 1, tx/12: 1
  errors         none
  committed      19990 (ok 19989, failed in block member/9: 1); not committed 0; 11 blocks, at most 2086 bench txs in one
  committed tx/s 1877.4 (19990 over 10.648s, first send to last commit)
  latency        p50 0.757s  p99 1.301s  max 1.369s (block seen - sent)
`
	if b.String() != want {
		t.Errorf("text report:\n%s\nwant:\n%s", b.String(), want)
	}

	r := sampleReport()
	r.Kind, r.Setup, r.Interrupted, r.ResultsUnknown = KindKVStore, 0, true, 3
	b.Reset()
	r.WriteText(&b)
	for _, s := range []string{"bench kvstore (interrupted):", "results unknown 3"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("text report lacks %q:\n%s", s, b.String())
		}
	}
	if strings.Contains(b.String(), "setup") || strings.Contains(b.String(), "dues") {
		t.Errorf("a kvstore report has no setup or dues line:\n%s", b.String())
	}

	r = sampleReport()
	r.Kind = KindDues
	r.Dues = &DuesReport{Members: 576, Years: []uint32{2025, 2026, 2027}, FirstMonth: 202501, LastMonth: 202711, PaymentFen: 4000, Capacity: 20160}
	b.Reset()
	r.WriteText(&b)
	if s := "  dues           576 members assessed for [2025 2026 2027]; months 2025-01 to 2027-11; 4000 fen a payment; 20160 payments possible\n"; !strings.Contains(b.String(), s) {
		t.Errorf("dues report lacks %q:\n%s", s, b.String())
	}
}

func TestReportJSON(t *testing.T) {
	raw, err := json.Marshal(sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{
		"kind": "registrations", "offered_rate": 2000.0, "duration_s": 10.0, "setup_s": 2.214,
		"offered": 20000.0, "sent": 19992.0, "acknowledged": 19990.0, "committed": 19990.0, "committed_ok": 19989.0,
		"not_committed": 0.0, "blocks": 11.0, "max_block_txs": 2086.0, "committed_tps": 1877.44, "span_s": 10.648,
	} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
	lat, _ := got["latency_ms"].(map[string]any)
	if lat["p50"] != 757.0 || lat["p99"] != 1301.0 || lat["max"] != 1368.5 {
		t.Errorf("latency_ms = %v, want p50 757, p99 1301, max 1368.5", lat)
	}
	if ref, _ := got["refused"].(map[string]any); ref["tx/12"] != 1.0 {
		t.Errorf("refused = %v", got["refused"])
	}
	if _, ok := got["interrupted"]; ok {
		t.Error("interrupted is omitted when false")
	}
}

func TestProgressLine(t *testing.T) {
	p := Progress{Elapsed: 3 * time.Second, Offered: 6000, Sent: 5990, Acknowledged: 5980, Committed: 4000,
		RecentTPS: 1333.3, P50: 410 * time.Millisecond, P99: 900 * time.Millisecond}
	want := "    3s  offered 6000  sent 5990  acked 5980  committed 4000  1333 tx/s (10s)  p50 0.410s  p99 0.900s"
	if p.String() != want {
		t.Errorf("progress line\n%q\nwant\n%q", p.String(), want)
	}
	p.P50, p.P99 = 0, 0 // during the load: the blocks are read after it
	want = "    3s  offered 6000  sent 5990  acked 5980  committed 4000  1333 tx/s (10s)  latency after the load"
	if p.String() != want {
		t.Errorf("progress line\n%q\nwant\n%q", p.String(), want)
	}
}

func TestCodeAndErrorKeys(t *testing.T) {
	if k := codeKey("tx", 12); k != "tx/12" {
		t.Errorf("codeKey = %q", k)
	}
	if k := codeKey("", 1); k != "code 1" {
		t.Errorf("codeKey without codespace = %q", k)
	}
	if k := errorKey("mempool is full: number of txs 5000 (max: 5000), total txs bytes 1 (max: 2)"); k != "mempool is full" {
		t.Errorf("errorKey = %q", k)
	}
	if k := errorKey(strings.Repeat("x", 200)); len(k) != 80 {
		t.Errorf("errorKey of a long message is %d bytes, want 80", len(k))
	}
	if s := fmtCounts(map[string]uint64{"b": 2, "a": 1}); s != "a: 1, b: 2" {
		t.Errorf("fmtCounts = %q", s)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := func() Config {
		return Config{Nodes: []string{"tcp://127.0.0.1:26657"}, Kind: KindKVStore, Rate: 100, Duration: time.Second}
	}
	c := ok()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Signers != DefaultSigners || c.TailBlocks != DefaultTailBlocks || c.MaxTail != DefaultMaxTail || c.MaxPresign != DefaultMaxPresign {
		t.Errorf("defaults not filled in: %+v", c)
	}
	for name, mod := range map[string]func(*Config){
		"no node":          func(c *Config) { c.Nodes = nil },
		"bad node":         func(c *Config) { c.Nodes = []string{"127.0.0.1:26657"} },
		"bad kind":         func(c *Config) { c.Kind = "spends" },
		"zero rate":        func(c *Config) { c.Rate = 0 },
		"rate too high":    func(c *Config) { c.Rate = MaxRate + 1 },
		"no duration":      func(c *Config) { c.Duration = 0 },
		"duration > 10m":   func(c *Config) { c.Duration = MaxDuration + time.Second },
		"too many signers": func(c *Config) { c.Signers = MaxSignersPerNode + 1 },
		"no admin":         func(c *Config) { c.Kind = KindRegistrations },
		"dues, no admin":   func(c *Config) { c.Kind = KindDues },
		"members, kvstore": func(c *Config) { c.Members = 10 },
		"too many members": func(c *Config) { c.Kind, c.Admin, c.Members = KindDues, &Admin{}, MaxDuesMembersPerSigner+1 },
	} {
		c := ok()
		mod(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if k, err := ParseKind(" KVStore "); err != nil || k != KindKVStore {
		t.Errorf("ParseKind = %q, %v", k, err)
	}
	if k, err := ParseKind("dues"); err != nil || k != KindDues {
		t.Errorf("ParseKind(dues) = %q, %v", k, err)
	}
	if _, err := ParseKind("spends"); err == nil {
		t.Error("ParseKind accepted spends")
	}
	if b, _ := httpBase("tcp://127.0.0.1:1"); b != "http://127.0.0.1:1" {
		t.Errorf("httpBase = %q", b)
	}
}
