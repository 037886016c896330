package consensus

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	cfg "github.com/cometbft/cometbft/config"

	"github.com/partychain/partychain/state"
)

func TestDBProviderOpensCometDatabases(t *testing.T) {
	c := cfg.DefaultConfig()
	c.SetRoot(t.TempDir())
	db, err := DBProvider(&cfg.DBContext{ID: "blockstore", Config: c})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := db.(*dbm.GoLevelDB); !ok {
		t.Fatalf("goleveldb backend opened a %T", db)
	}
	if err := db.SetSync([]byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(c.DBDir(), "blockstore.db")); err != nil {
		t.Fatalf("not where CometBFT keeps it: %v", err)
	}
	db, err = DBProvider(&cfg.DBContext{ID: "blockstore", Config: c})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.Get([]byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("reopened: %q, %v", v, err)
	}

	c.DBBackend = string(dbm.MemDBBackend)
	mem, err := DBProvider(&cfg.DBContext{ID: "state", Config: c})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := mem.(*dbm.MemDB); !ok {
		t.Fatalf("memdb backend opened a %T", mem)
	}
}

// fillBlockstore writes n 10 KB values to a new blockstore database of c,
// each in its own synced write, and closes it.
func fillBlockstore(t *testing.T, c *cfg.Config, n int) {
	t.Helper()
	db, err := DBProvider(&cfg.DBContext{ID: "blockstore", Config: c})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := db.SetSync([]byte(fmt.Sprintf("k%03d", i)), bytes.Repeat([]byte{byte(i)}, 10_000)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// openAndRead opens the blockstore and reads every key, turning a panic
// into an error.
func openAndRead(c *cfg.Config, n int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	db, err := DBProvider(&cfg.DBContext{ID: "blockstore", Config: c})
	if err != nil {
		return err
	}
	defer db.Close()
	for i := range n {
		v, err := db.Get([]byte(fmt.Sprintf("k%03d", i)))
		if err != nil {
			return fmt.Errorf("opened, then reading: %w", err)
		}
		if v == nil {
			return fmt.Errorf("opened with key k%03d missing", i)
		}
	}
	return nil
}

// A CometBFT database with a table footer pointing beyond its file is
// refused at open with a message naming it, not a panic at the first read.
func TestDBProviderRefusesDamagedTableFooter(t *testing.T) {
	c := cfg.DefaultConfig()
	c.SetRoot(t.TempDir())
	fillBlockstore(t, c, 20)
	if err := openAndRead(c, 20); err != nil { // the reopen writes the journal to a table
		t.Fatal(err)
	}
	tables, _ := filepath.Glob(filepath.Join(c.DBDir(), "blockstore.db", "*.ldb"))
	if len(tables) == 0 {
		t.Fatal("no table written")
	}
	raw, err := os.ReadFile(tables[0])
	if err != nil {
		t.Fatal(err)
	}
	copy(raw[len(raw)-48:], binary.AppendUvarint(binary.AppendUvarint(nil, 0), 1<<62))
	if err := os.WriteFile(tables[0], raw, 0o600); err != nil {
		t.Fatal(err)
	}
	err = openAndRead(c, 20)
	if !errors.Is(err, state.ErrDamaged) || !strings.Contains(err.Error(), "blockstore") || !strings.Contains(err.Error(), filepath.Base(tables[0])) {
		t.Fatalf("got %v; want ErrDamaged naming the blockstore and %s", err, filepath.Base(tables[0]))
	}
	t.Logf("refused: %v", err)
}

// A flipped byte in the middle of a CometBFT database's journal is refused
// at open, not replayed with a record missing.
func TestDBProviderRefusesDamagedJournal(t *testing.T) {
	c := cfg.DefaultConfig()
	c.SetRoot(t.TempDir())
	fillBlockstore(t, c, 20)
	logs, _ := filepath.Glob(filepath.Join(c.DBDir(), "blockstore.db", "*.log"))
	if len(logs) != 1 {
		t.Fatalf("journals %v", logs)
	}
	raw, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0x10
	if err := os.WriteFile(logs[0], raw, 0o600); err != nil {
		t.Fatal(err)
	}
	err = openAndRead(c, 20)
	if !errors.Is(err, state.ErrDamaged) || !strings.Contains(err.Error(), "blockstore") {
		t.Fatalf("got %v; want ErrDamaged naming the blockstore", err)
	}
	t.Logf("refused: %v", err)
}
