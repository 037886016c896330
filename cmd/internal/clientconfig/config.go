package clientconfig

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/spf13/pflag"
)

// FileName is the settings file's name in <home>/config.
const FileName = "client.toml"

// Config is the content of client.toml. An empty field is not set.
type Config struct {
	KeyringBackend string `toml:"keyring-backend"`
	Node           string `toml:"node"`
	ChainID        string `toml:"chain-id"`
	Output         string `toml:"output"`
}

// Path is the settings file of home.
func Path(home string) string { return filepath.Join(home, "config", FileName) }

// maxSize bounds the file read: a settings file is a few lines.
const maxSize = 64 << 10

// Load reads home's client.toml. A missing file is an empty Config; a
// file that does not parse, or holds a key this version does not know (a
// typo would otherwise be ignored in silence), is an error naming it.
func Load(home string) (Config, error) {
	var c Config
	p := Path(home)
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("client settings %s: %w", p, err)
	}
	if len(data) > maxSize {
		return c, fmt.Errorf("client settings %s: %d bytes, more than a settings file holds (%d)", p, len(data), maxSize)
	}
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return c, fmt.Errorf("client settings %s: %w", p, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return c, fmt.Errorf("client settings %s: unknown setting %s: the settings are keyring-backend, node, chain-id and output",
			p, strings.Join(keys, ", "))
	}
	return c, nil
}

// Get returns the value of a setting by its flag name ("" if not set or
// not a setting).
func (c Config) Get(flag string) string {
	switch flag {
	case "keyring-backend":
		return c.KeyringBackend
	case "node":
		return c.Node
	case "chain-id":
		return c.ChainID
	case "output":
		return c.Output
	}
	return ""
}

// Source says where a setting's value came from.
type Source string

// Sources, strongest first.
const (
	FromFlag    Source = "flag"
	FromEnv     Source = "env"
	FromFile    Source = "file"
	FromDefault Source = "default"
)

// Resolve picks a setting's value: the flag if it was given, else the
// environment variable if set and not empty, else the file's value if
// set, else the default.
func Resolve(flagGiven bool, flagValue, envValue, fileValue, def string) (string, Source) {
	switch {
	case flagGiven:
		return flagValue, FromFlag
	case envValue != "":
		return envValue, FromEnv
	case fileValue != "":
		return fileValue, FromFile
	}
	return def, FromDefault
}

// WriteNew writes c to home's client.toml unless the file exists (an
// existing file is the user's and is kept); it reports whether it wrote.
func WriteNew(home string, c Config) (bool, error) {
	p := Path(home)
	if _, err := os.Lstat(p); err == nil {
		return false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("client settings %s: %w", p, err)
	}
	var buf bytes.Buffer
	buf.WriteString(`# partychaind client settings for this home. A flag overrides a setting here,
# and an environment variable (PARTYCHAIN_KEYRING_BACKEND, PARTYCHAIN_NODE)
# overrides it too. Delete a line to use the built-in default.

`)
	line := func(key, value, comment string) {
		fmt.Fprintf(&buf, "# %s\n", comment)
		if value == "" {
			fmt.Fprintf(&buf, "# %s = \"\"\n\n", key)
			return
		}
		fmt.Fprintf(&buf, "%s = %q\n\n", key, value)
	}
	line("keyring-backend", c.KeyringBackend, "file (encrypted, the default) or test (UNENCRYPTED, development and scripts only)")
	line("node", c.Node, "RPC address of the node (default tcp://127.0.0.1:26657)")
	line("chain-id", c.ChainID, "chain id of the txs signed (default: ask the node)")
	line("output", c.Output, "text (the default) or json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return false, fmt.Errorf("client settings %s: %w", p, err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return false, fmt.Errorf("client settings %s: %w", p, err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return false, fmt.Errorf("client settings %s: %w", p, err)
	}
	return true, f.Close()
}

// Setting is one client setting as a command has it: its flag, its
// environment variable ("" if none) and a check of a value from the
// environment or the file (nil: none).
type Setting struct {
	Flag  string
	Env   string
	Check func(string) error
}

// Apply gives each setting that fs has and that was not given on the
// command line its value from the environment, or else from home's
// client.toml (Resolve). The flag is set without being marked as given, so
// a command that treats an absent flag in its own way still sees it as
// absent. A bad value is an error naming where it came from.
func Apply(fs *pflag.FlagSet, home string, settings []Setting) error {
	file, err := Load(home)
	if err != nil {
		return err
	}
	for _, s := range settings {
		f := fs.Lookup(s.Flag)
		if f == nil || f.Changed {
			continue
		}
		env := ""
		if s.Env != "" {
			env = os.Getenv(s.Env)
		}
		v, src := Resolve(false, "", env, file.Get(s.Flag), "")
		var from string
		switch src {
		case FromEnv:
			from = "environment variable " + s.Env
		case FromFile:
			from = "setting " + s.Flag + " in " + Path(home)
		default:
			continue
		}
		if s.Check != nil {
			if err := s.Check(v); err != nil {
				return fmt.Errorf("%s is %q: %w", from, v, err)
			}
		}
		if err := f.Value.Set(v); err != nil {
			return fmt.Errorf("%s is %q: %w", from, v, err)
		}
	}
	return nil
}
