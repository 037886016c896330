package main

import (
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/consensus"
)

func newTestnetCmd() *cobra.Command {
	var o consensus.TestnetOptions
	cmd := &cobra.Command{
		Use:   "testnet --validators N --output-dir DIR",
		Short: "Write the node homes of a local N-validator network on 127.0.0.1",
		Long: `Write N node homes DIR/node0 .. DIR/node{N-1} for one chain, all on 127.0.0.1:
node i listens for P2P on BASE+10i, RPC on BASE+10i+1 and Prometheus (off unless
--prometheus) on BASE+10i+2, and has every other node as a persistent peer.

The genesis (identical in every home) has the N validators with power 10 and an
organization tree: the root committee (organization 1), whose secretary is the key
"root" in node0's keyring, and under it "Committee i" (organization 2+i) for each
validator i, whose secretary is the key "secretary" in node i's keyring. Governance
binds validator i and node i's id to organization 2+i.

The keys go into the test keyring (UNENCRYPTED) unless --keyring-backend is given.
DIR/testnet.json summarizes the network (-o json prints it too). An existing
DIR/node0 is never overwritten.

Start a node with: partychaind start --home DIR/node0 (or scripts/localnet start).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			backend := keyring.BackendTest
			if cmd.Flags().Changed("keyring-backend") {
				backend, _ = cmd.Flags().GetString("keyring-backend")
			}
			o.KeyringBackend = backend
			o.NewKey = func(_ int, home, name string) (consensus.TestnetKey, error) {
				kr, err := keyring.Open(home, backend, keysPassphraseFunc(cmd))
				if err != nil {
					return consensus.TestnetKey{}, err
				}
				info, err := kr.Add(name)
				if err != nil {
					return consensus.TestnetKey{}, err
				}
				return consensus.TestnetKey{Name: info.Name, PubKey: info.PubKey, Address: info.AddressHex()}, nil
			}
			// Check before any prompt for a passphrase.
			if err := consensus.ValidateTestnet(o); err != nil {
				return err
			}
			sum, err := consensus.Testnet(o)
			if err != nil {
				return err
			}
			if isJSON(cmd) {
				if backend == keyring.BackendTest {
					fmt.Fprintln(cmd.ErrOrStderr(), testnetTestKeysWarning)
				}
				return printJSON(cmd, sum)
			}
			if backend == keyring.BackendTest {
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n\n", testnetTestKeysWarning)
			}
			printTestnet(cmd, sum)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Validators, "validators", 4, fmt.Sprintf("number of validators (1 to %d), one node home each", consensus.MaxTestnetValidators))
	f.StringVar(&o.Dir, "output-dir", "", "directory for the node homes and testnet.json (required)")
	f.StringVar(&o.ChainID, "chain-id", consensus.DefaultTestnetChainID, "chain id")
	f.IntVar(&o.BasePort, "base-port", consensus.DefaultTestnetBasePort, "node i uses ports base+10i (P2P), +1 (RPC), +2 (Prometheus)")
	f.StringVar(&o.RootName, "root-name", consensus.DefaultTestnetRootName, "name of the root committee")
	f.BoolVar(&o.Prometheus, "prometheus", false, "serve Prometheus metrics on each node's third port")
	_ = cmd.MarkFlagRequired("output-dir")
	return cmd
}

const testnetTestKeysWarning = `WARNING: the secretaries' keys are in UNENCRYPTED test keyrings (keyring-test/ in each
WARNING: node home). Anyone who can read them controls the organizations. Development only.`

func printTestnet(cmd *cobra.Command, sum *consensus.TestnetSummary) {
	w := cmd.OutOrStdout()
	dir := relPath(sum.Dir)
	fmt.Fprintf(w, "wrote a %d-validator network, chain id %s, in %s\n\n", len(sum.Nodes), sum.ChainID, dir)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tNODE ID\tP2P\tRPC\tVALIDATOR\tORG\tSECRETARY (key \"secretary\")")
	for _, n := range sum.Nodes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d %s\t%s\n", n.Moniker, n.NodeID, n.P2PAddress, n.RPCAddress,
			n.ValidatorAddress, n.OrgID, n.OrgName, n.SecretaryAddress)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nroot committee (organization %d, %q): secretary key %q in %s's keyring, address %s\n",
		sum.RootOrgID, sum.RootName, sum.RootSecretaryKey, sum.Nodes[0].Moniker, sum.RootSecretaryAddress)
	if sum.KeyringBackend != "" {
		fmt.Fprintf(w, "keyring backend: %s\n", sum.KeyringBackend)
	}
	fmt.Fprintf(w, "summary: %s\n\n", filepath.Join(dir, consensus.TestnetSummaryFile))
	fmt.Fprintf(w, "start each node:  partychaind start --home %s\n", filepath.Join(dir, "node<i>"))
	fmt.Fprintf(w, "use a secretary:  partychaind tx ... --from secretary --home %s --keyring-backend %s --node %s\n",
		filepath.Join(dir, "node0"), sum.KeyringBackend, sum.Nodes[0].RPCAddress)
}

// relPath shortens p relative to the working directory when it lies below.
func relPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil && filepath.IsLocal(r) {
		return r
	}
	return p
}
