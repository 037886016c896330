package consensus

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cfg "github.com/cometbft/cometbft/config"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/config"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Testnet defaults and bounds.
const (
	DefaultTestnetChainID  = "partychain-localnet"
	DefaultTestnetBasePort = 26656
	DefaultTestnetRootName = "Root Committee"
	MaxTestnetValidators   = 20
	// TestnetPortStride is the distance between two nodes' ports: node i
	// listens for P2P on base+stride*i, RPC on +1 and Prometheus on +2.
	TestnetPortStride = 10
	// TestnetPower is every testnet validator's voting power.
	TestnetPower = 10
	// TestnetSummaryFile is the summary's name in the output directory.
	TestnetSummaryFile = "testnet.json"
	// The account keys a testnet creates: "secretary" in every node's
	// keyring (its committee's secretary), "root" in node0's (the root
	// committee's).
	TestnetSecretaryKey = "secretary"
	TestnetRootKey      = "root"
	minTestnetPort      = 1024
	maxTestnetPort      = 65535
)

// TestnetKey is an account key created for a testnet.
type TestnetKey struct {
	Name    string
	PubKey  []byte // ed25519, 32 bytes
	Address string // upper-case hex
}

// TestnetOptions describe a local network of validators on 127.0.0.1.
type TestnetOptions struct {
	Dir         string // node homes are Dir/node0 .. Dir/node{N-1}
	Validators  int    // 1 to MaxTestnetValidators
	ChainID     string // default DefaultTestnetChainID
	BasePort    int    // default DefaultTestnetBasePort
	RootName    string // default DefaultTestnetRootName
	GenesisTime time.Time
	Prometheus  bool // serve metrics on 127.0.0.1:base+stride*i+2
	// KeyringBackend is only recorded in the summary: NewKey owns the keys.
	KeyringBackend string
	// NewKey creates the account key name in the keyring of node home
	// (index node) and returns it. It is called once the homes exist and
	// before anything else depends on the keys.
	NewKey func(node int, home, name string) (TestnetKey, error)
}

// TestnetNode is one node of a testnet, as the summary describes it.
type TestnetNode struct {
	Home              string `json:"home"`
	Moniker           string `json:"moniker"`
	NodeID            string `json:"node_id"`
	P2PAddress        string `json:"p2p_address"`
	RPCAddress        string `json:"rpc_address"`
	PrometheusAddress string `json:"prometheus_address,omitempty"`
	ValidatorAddress  string `json:"validator_address"`
	Power             int64  `json:"power"`
	OrgID             uint64 `json:"org_id"`
	OrgName           string `json:"org_name"`
	SecretaryKey      string `json:"secretary_key"`
	SecretaryAddress  string `json:"secretary_address"`
}

// TestnetSummary is what Testnet wrote; it is also Dir/testnet.json.
type TestnetSummary struct {
	ChainID              string        `json:"chain_id"`
	GenesisTime          time.Time     `json:"genesis_time"`
	Dir                  string        `json:"dir"`
	KeyringBackend       string        `json:"keyring_backend,omitempty"`
	RootOrgID            uint64        `json:"root_org_id"`
	RootName             string        `json:"root_name"`
	RootSecretaryKey     string        `json:"root_secretary_key"`
	RootSecretaryHome    string        `json:"root_secretary_home"`
	RootSecretaryAddress string        `json:"root_secretary_address"`
	Nodes                []TestnetNode `json:"nodes"`
}

// TestnetNodeHome is node i's home under dir.
func TestnetNodeHome(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("node%d", i))
}

// TestnetPorts are node i's P2P, RPC and Prometheus ports.
func TestnetPorts(basePort, i int) (p2pPort, rpcPort, metricsPort int) {
	p := basePort + TestnetPortStride*i
	return p, p + 1, p + 2
}

// withDefaults fills the options left empty.
func (o TestnetOptions) withDefaults() TestnetOptions {
	if o.ChainID == "" {
		o.ChainID = DefaultTestnetChainID
	}
	if o.BasePort == 0 {
		o.BasePort = DefaultTestnetBasePort
	}
	if o.RootName == "" {
		o.RootName = DefaultTestnetRootName
	}
	if o.GenesisTime.IsZero() {
		o.GenesisTime = time.Now().UTC().Truncate(time.Second)
	}
	return o
}

// ValidateTestnet checks the options (after defaults) before anything is
// written: the count, the ports, the chain id, and that no testnet is in
// Dir already.
func ValidateTestnet(o TestnetOptions) error {
	o = o.withDefaults()
	if o.Dir == "" {
		return errors.New("testnet: no output directory")
	}
	if o.Validators < 1 || o.Validators > MaxTestnetValidators {
		return fmt.Errorf("--validators %d: want 1 to %d", o.Validators, MaxTestnetValidators)
	}
	_, _, last := TestnetPorts(o.BasePort, o.Validators-1)
	if o.BasePort < minTestnetPort || last > maxTestnetPort {
		return fmt.Errorf("--base-port %d: %d nodes use ports %d to %d (%d apart, 3 each), which must lie in %d..%d",
			o.BasePort, o.Validators, o.BasePort, last, TestnetPortStride, minTestnetPort, maxTestnetPort)
	}
	if err := ValidateInit(o.ChainID, o.RootName, testnetMember(o, 0, nil)); err != nil {
		return err
	}
	if o.NewKey == nil {
		return errors.New("testnet: no key maker")
	}
	// Refuse to write over a testnet (or anything else) in the way.
	for _, p := range []string{TestnetNodeHome(o.Dir, 0), filepath.Join(o.Dir, TestnetSummaryFile)} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s already exists: a testnet was written there; remove %s (or choose another output directory) to write a new one", p, o.Dir)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	for i := 1; i < o.Validators; i++ {
		if _, err := os.Lstat(TestnetNodeHome(o.Dir, i)); err == nil {
			return fmt.Errorf("%s already exists: remove it (or choose another output directory)", TestnetNodeHome(o.Dir, i))
		}
	}
	return nil
}

// testnetNode is what Testnet collects about node i while writing it.
type testnetNode struct {
	home      string
	config    *cfg.Config
	nodeID    p2p.ID
	pv        *privval.FilePV
	secretary TestnetKey
}

// Testnet writes o.Validators node homes for one chain under o.Dir (see
// TestnetOptions) and Dir/testnet.json, and returns the summary. Each home
// has CometBFT's config on its own 127.0.0.1 ports with every other node as
// a persistent peer, app.toml, its node and validator keys, and the same
// genesis: node i's validator belongs to organization 2+i ("Committee i",
// under the root committee), whose secretary is key "secretary" in node
// i's keyring, and node i's id is admitted for that organization. The root
// committee's secretary is key "root" in node0's keyring. On an error the
// homes written so far (and Dir, if this call created it) are removed.
func Testnet(o TestnetOptions) (sum *TestnetSummary, err error) {
	o = o.withDefaults()
	if err := ValidateTestnet(o); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	var created []string
	defer func() {
		// CometBFT's file helpers panic on I/O errors; turn that into an
		// error. Either way, leave no half-written testnet behind.
		if r := recover(); r != nil {
			err = fmt.Errorf("testnet %s: %v", dir, r)
		}
		if err != nil {
			for _, p := range created {
				os.RemoveAll(p)
			}
		}
	}()
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		created = append(created, dir) // ours: removed whole on an error
	} else if err != nil {
		return nil, err
	}

	nodes := make([]testnetNode, o.Validators)
	for i := range nodes {
		n := &nodes[i]
		n.home = TestnetNodeHome(dir, i)
		if err := os.Mkdir(n.home, 0o700); err != nil {
			return nil, err // also when it appeared since ValidateTestnet
		}
		created = append(created, n.home)
		n.config = testnetConfig(n.home, i, o)
		cfg.EnsureRoot(n.home)
		key, err := p2p.LoadOrGenNodeKey(n.config.NodeKeyFile())
		if err != nil {
			return nil, err
		}
		n.nodeID = key.ID()
		n.pv = privval.GenFilePV(n.config.PrivValidatorKeyFile(), n.config.PrivValidatorStateFile())
		n.pv.Save()
	}
	for i := range nodes {
		n := &nodes[i]
		var peers []string
		for j := range nodes {
			if j != i {
				p2pPort, _, _ := TestnetPorts(o.BasePort, j)
				peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", nodes[j].nodeID, p2pPort))
			}
		}
		n.config.P2P.PersistentPeers = strings.Join(peers, ",")
		if err := n.config.ValidateBasic(); err != nil {
			return nil, fmt.Errorf("node%d config: %w", i, err)
		}
		cfg.WriteConfigFile(ConfigPath(n.home), n.config)
		if err := config.Write(n.home, config.Default()); err != nil {
			return nil, err
		}
	}

	// Account keys last among the homes' contents: a key maker may ask for
	// passphrases, and by now nothing else can fail but the genesis.
	for i := range nodes {
		if nodes[i].secretary, err = newTestnetKey(o, i, nodes[i].home, TestnetSecretaryKey); err != nil {
			return nil, err
		}
	}
	root, err := newTestnetKey(o, 0, nodes[0].home, TestnetRootKey)
	if err != nil {
		return nil, err
	}

	genBytes, err := testnetGenesis(o, nodes, root.PubKey)
	if err != nil {
		return nil, err
	}
	sum = &TestnetSummary{
		ChainID: o.ChainID, GenesisTime: o.GenesisTime, Dir: dir, KeyringBackend: o.KeyringBackend,
		RootOrgID: 1, RootName: o.RootName, RootSecretaryKey: root.Name,
		RootSecretaryHome: nodes[0].home, RootSecretaryAddress: root.Address,
	}
	for i, n := range nodes {
		if err := os.WriteFile(n.config.GenesisFile(), genBytes, 0o644); err != nil {
			return nil, err
		}
		pub, err := n.pv.GetPubKey()
		if err != nil {
			return nil, err
		}
		node := TestnetNode{
			Home: n.home, Moniker: n.config.Moniker, NodeID: string(n.nodeID),
			P2PAddress: n.config.P2P.ListenAddress, RPCAddress: n.config.RPC.ListenAddress,
			ValidatorAddress: pub.Address().String(), Power: TestnetPower,
			OrgID: testnetOrgID(i), OrgName: testnetOrgName(i),
			SecretaryKey: n.secretary.Name, SecretaryAddress: n.secretary.Address,
		}
		if o.Prometheus {
			node.PrometheusAddress = n.config.Instrumentation.PrometheusListenAddr
		}
		sum.Nodes = append(sum.Nodes, node)
	}
	bz, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	summaryPath := filepath.Join(dir, TestnetSummaryFile)
	created = append(created, summaryPath)
	if err := os.WriteFile(summaryPath, append(bz, '\n'), 0o644); err != nil {
		return nil, err
	}
	return sum, nil
}

func testnetOrgID(i int) uint64 { return uint64(2 + i) }

// testnetMember is a testnet secretary as a genesis member (id; the branch
// is set by testnetGenesis): a full member since 2001 with their own key and
// a placeholder commitment, unique per chain and member.
func testnetMember(o TestnetOptions, id uint64, pubKey []byte) memberv1.GenesisMember {
	c := sha256.Sum256([]byte(fmt.Sprintf("partychain testnet member %s %d", o.ChainID, id)))
	return memberv1.GenesisMember{Id: id, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20000701, FullDate: 20010701,
		BirthYear: 1970, Commitment: c[:], PubKey: pubKey}
}
func testnetOrgName(i int) string  { return fmt.Sprintf("Committee %d", i) }
func testnetMoniker(i int) string  { return fmt.Sprintf("node%d", i) }
func testnetLoopback(p int) string { return fmt.Sprintf("tcp://127.0.0.1:%d", p) }

// testnetConfig is DefaultConfig for node i on its 127.0.0.1 ports, with
// the P2P settings a network on one address needs. Peers are set later.
func testnetConfig(home string, i int, o TestnetOptions) *cfg.Config {
	c := DefaultConfig(home, testnetMoniker(i))
	p2pPort, rpcPort, metricsPort := TestnetPorts(o.BasePort, i)
	c.P2P.ListenAddress = testnetLoopback(p2pPort)
	c.RPC.ListenAddress = testnetLoopback(rpcPort)
	c.RPC.PprofListenAddress = ""
	c.Instrumentation.Prometheus = o.Prometheus
	c.Instrumentation.PrometheusListenAddr = fmt.Sprintf("127.0.0.1:%d", metricsPort)
	// Every node is on 127.0.0.1: the address book must take loopback
	// addresses, and several peers may share an IP.
	c.P2P.AddrBookStrict = false
	c.P2P.AllowDuplicateIP = true
	c.FilterPeers = true
	return c
}

func newTestnetKey(o TestnetOptions, i int, home, name string) (TestnetKey, error) {
	k, err := o.NewKey(i, home, name)
	if err != nil {
		return k, fmt.Errorf("node%d: key %q: %w", i, name, err)
	}
	if len(k.PubKey) != 32 {
		return k, fmt.Errorf("node%d: key %q: want a 32-byte ed25519 public key, got %d bytes", i, name, len(k.PubKey))
	}
	return k, nil
}

// testnetGenesis is the one genesis of the testnet, as written to every
// home: the validators, the root committee with one committee per
// validator, and governance binding each validator and node id to its
// committee.
//
// The secretaries are genesis members of one office branch under the root,
// listed after the committees so that committee i keeps id 2+i: the root's
// secretary is member 1, node i's member 2+i. A test network has no persons:
// their commitments are placeholders (testnetMember), not commitments to
// anyone's fields.
func testnetGenesis(o TestnetOptions, nodes []testnetNode, rootPub []byte) ([]byte, error) {
	root := testnetMember(o, 0, rootPub)
	g := app.DefaultGenesis(o.RootName, &root)
	office := g.Org.Orgs[1]
	g.Org.Orgs = g.Org.Orgs[:1]
	gen := &types.GenesisDoc{
		GenesisTime:     o.GenesisTime,
		ChainID:         o.ChainID,
		InitialHeight:   1,
		ConsensusParams: ConsensusParams(),
	}
	for i, n := range nodes {
		pub, err := n.pv.GetPubKey()
		if err != nil {
			return nil, err
		}
		orgID := testnetOrgID(i)
		g.Org.Orgs = append(g.Org.Orgs, orgv1.GenesisOrg{
			Id: orgID, ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_COMMITTEE, Name: testnetOrgName(i),
		})
		secretary := testnetMember(o, uint64(2+i), n.secretary.PubKey)
		g.Member.Members = append(g.Member.Members, secretary)
		g.Org.Officers = append(g.Org.Officers, orgv1.GenesisOfficer{
			OrgId: orgID, Role: orgv1.Role_ROLE_SECRETARY, MemberId: secretary.Id,
		})
		g.Governance.Validators = append(g.Governance.Validators, governancev1.Validator{
			OrgId: orgID, PubKey: pub.Bytes(), Power: TestnetPower,
		})
		g.Governance.Nodes = append(g.Governance.Nodes, governancev1.Node{NodeId: string(n.nodeID), OrgId: orgID})
		gen.Validators = append(gen.Validators, types.GenesisValidator{
			Address: pub.Address(), PubKey: pub, Power: TestnetPower, Name: n.config.Moniker,
		})
	}
	office.Id = testnetOrgID(len(nodes))
	g.Org.Orgs = append(g.Org.Orgs, office)
	for i := range g.Member.Members {
		g.Member.Members[i].BranchId = office.Id
	}
	appState, err := json.Marshal(g)
	if err != nil {
		return nil, err
	}
	gen.AppState = appState
	if err := gen.ValidateAndComplete(); err != nil {
		return nil, err
	}
	if _, err := app.ParseGenesis(gen.AppState); err != nil {
		return nil, err
	}
	return cmtjson.MarshalIndent(gen, "", "  ")
}
