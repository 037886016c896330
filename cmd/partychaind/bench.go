package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/loadgen"
)

func newBenchCmd() *cobra.Command {
	var nodes, kind, from, cpuProfile, metrics string
	var rate float64
	var duration, maxTail time.Duration
	var signers, tailBlocks, members int
	var parent uint64
	cmd := &cobra.Command{
		Use:   "bench --node URL[,URL...] --rate R --duration D [--kind registrations|dues|kvstore] [--from KEY] [--signers S]",
		Short: "Send txs at a given rate to running nodes and report committed tx/s and commit latency",
		Long: `Load generator. Sends txs at --rate tx/s in all for --duration to the nodes of --node
over websocket JSON-RPC (broadcast_tx_sync), follows the first node's blocks, and reports
how many txs the nodes acknowledged (CheckTx code 0), how many were committed, committed
tx/s (committed / time from the first send to the last commit) and the commit latency
(block seen - sent) p50, p99 and max. A progress line goes to stderr every second.

--kind registrations (the default) sends signed MsgRegisterApplicant txs. Setup, through
ordinary txs of --from (a key that may create organizations and grant roles: the root
secretary "secretary" of a dev chain), creates one branch per signer under --parent (default:
the organization of --from's first officer role) and grants each a fresh in-memory key as
organization officer. --signers keys per node (default 8); each sends only to its node,
with its own connection, token bucket and sequence counter. Every applicant has a unique
commitment, birth year 1990 and the chain's date as application date.

--kind dues sends signed MsgPay txs: each pays one month of one member, recorded by the
dues clerk of the member's branch, with exactly the month's due (the ledger's own rule for
an employed member earning 4,000.00 yuan: 40.00 yuan by default). Setup, through ordinary
txs of --from (which must also be an officer of the superior committee of the bench
branches, as the dev chain's "secretary" is of the root committee), creates one branch per
signer, grants each a fresh in-memory key as its dues clerk, imports --members members per
branch as full members (default: just enough for --rate x --duration), and has each clerk
assess them for last year, this year and next year; 64 messages to a tx. Each payment is a
different member and month (January of last year up to the prepayment horizon), so every
one is valid. A setup imports at most 4096 members per signer and 65536 in all: a run that
would need more payments stops before anything is sent and says what to change.

--kind kvstore sends plain key=value txs (unique keys) to a node started with
'partychaind start --kvstore' (CometBFT's kvstore app, same config), with no setup and the
same tracking: the side-by-side baseline.

--metrics reads process_cpu_seconds_total from each node's Prometheus endpoint (CometBFT's
prometheus_listen_addr, with instrumentation.prometheus on) when the load starts and ends,
and reports each node's CPU in cores, the bench's own, and the nodes' CPU per committed tx
(their cores ÷ committed tx/s). An endpoint that cannot be read at the start stops the run
before anything is sent.

After the last send the bench waits for the tail: until every acknowledged tx is committed,
or --tail-blocks blocks pass with none, or --max-tail. SIGINT stops the load and the wait
and prints what was measured. Bounds: --duration at most 10m, --rate at most 100000.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := loadgen.ParseKind(kind)
			if err != nil {
				return err
			}
			if duration <= 0 {
				return errors.New("--duration is required (at most 10m)")
			}
			cfg := loadgen.Config{
				Kind: k, Rate: rate, Duration: duration, Signers: signers, Parent: parent,
				TailBlocks: tailBlocks, MaxTail: maxTail, Progress: cmd.ErrOrStderr(),
			}
			for _, n := range commaList(nodes) {
				if !strings.Contains(n, "://") {
					n = "tcp://" + n // host:port
				}
				cfg.Nodes = append(cfg.Nodes, n)
			}
			cfg.Members = members
			cfg.Metrics = commaList(metrics)
			if k == loadgen.KindRegistrations || k == loadgen.KindDues {
				if from == "" {
					return fmt.Errorf("--from is required for %s: a key that may create organizations and grant roles (the dev chain's \"secretary\")", k)
				}
				kr, err := openKeyring(cmd)
				if err != nil {
					return err
				}
				info, err := kr.Show(from)
				if err != nil {
					return err
				}
				cfg.Admin = &loadgen.Admin{PubKey: info.PubKey, Sign: func(b []byte) ([]byte, error) {
					sig, _, err := kr.Sign(from, b)
					return sig, err
				}}
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			if cpuProfile != "" {
				f, err := os.Create(cpuProfile)
				if err != nil {
					return fmt.Errorf("--cpuprofile: %w", err)
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return fmt.Errorf("--cpuprofile: %w", err)
				}
				defer pprof.StopCPUProfile()
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep, err := loadgen.Run(ctx, cfg)
			if err != nil {
				return err
			}
			if isJSON(cmd) {
				return printJSON(cmd, rep)
			}
			rep.WriteText(cmd.OutOrStdout())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&nodes, "node", defaultNode(), "RPC addresses of the nodes, comma-separated (env "+envNode+")")
	f.Float64Var(&rate, "rate", 0, fmt.Sprintf("tx/s over all signers and nodes (at most %d)", loadgen.MaxRate))
	f.DurationVar(&duration, "duration", 0, "how long to send (required, at most 10m)")
	f.StringVar(&kind, "kind", string(loadgen.KindRegistrations), "registrations or dues (signed ledger txs), or kvstore (plain key=value, to 'start --kvstore')")
	f.StringVar(&from, "from", "", "registrations, dues: the setup key (may create organizations and grant roles; dues: and import members)")
	f.IntVar(&signers, "signers", loadgen.DefaultSigners, "signers (connections; keys and branches for registrations and dues) per node")
	f.Uint64Var(&parent, "parent", 0, "registrations, dues: organization to create the bench branches under (default: --from's first officer role's)")
	f.IntVar(&members, "members", 0, fmt.Sprintf("dues: paying members per signer (default: enough for --rate x --duration; at most %d)", loadgen.MaxDuesMembersPerSigner))
	f.IntVar(&tailBlocks, "tail-blocks", loadgen.DefaultTailBlocks, "after the last send, stop waiting after this many blocks with no bench tx")
	f.DurationVar(&maxTail, "max-tail", loadgen.DefaultMaxTail, "after the last send, wait at most this long for the tail")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write the bench's own CPU profile (go tool pprof) to this file")
	f.StringVar(&metrics, "metrics", "", "Prometheus addresses of the nodes (host:port, comma-separated): report their CPU during the load")
	_ = cmd.MarkFlagRequired("rate")
	_ = cmd.MarkFlagRequired("duration")
	return cmd
}

// commaList is a flag's comma-separated values, trimmed, without empty ones.
func commaList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
