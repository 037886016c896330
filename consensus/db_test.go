package consensus

import (
	"os"
	"path/filepath"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	cfg "github.com/cometbft/cometbft/config"
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
