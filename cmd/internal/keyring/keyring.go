package keyring

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cometbft/cometbft/crypto/ed25519"
)

// Backend names.
const (
	// BackendFile keeps private keys encrypted with a passphrase. Default.
	BackendFile = "file"
	// BackendTest keeps private keys UNENCRYPTED. Scripts and CI only.
	BackendTest = "test"
)

// Backends returns the valid backend names, the default first.
func Backends() []string { return []string{BackendFile, BackendTest} }

// MinPassphraseLen is the minimum length, in characters, of a new passphrase
// (one that encrypts a key file or an export blob).
const MinPassphraseLen = 8

// Errors that callers may test for with errors.Is. The messages returned
// to users carry the key name and, where useful, the keyring directory.
var (
	ErrNotFound        = errors.New("key not found")
	ErrExists          = errors.New("key already exists")
	ErrWrongPassphrase = errors.New("wrong passphrase")
	ErrCorrupt         = errors.New("key file corrupt or tampered with")
	ErrInvalidName     = errors.New("invalid key name")
)

// kindError is an error with its own message that matches a sentinel.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kind: kind}
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$`)

// ValidateName reports whether name is a valid key name: 1 to 64 characters
// from [a-zA-Z0-9_.-], starting with a letter or digit.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return errorf(ErrInvalidName,
			"invalid key name %q: use 1 to 64 characters from a-z A-Z 0-9 _ . - starting with a letter or digit", name)
	}
	return nil
}

// Info is the public description of a key.
type Info struct {
	Name    string
	Address []byte
	PubKey  ed25519.PubKey
}

// AddressHex returns the address as upper-case hex.
func (i Info) AddressHex() string { return strings.ToUpper(hex.EncodeToString(i.Address)) }

// PubKeyHex returns the public key as lower-case hex.
func (i Info) PubKeyHex() string { return hex.EncodeToString(i.PubKey) }

// InfoJSON is the JSON shape of an Info for CLI output.
type InfoJSON struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	PubKey  string `json:"pub_key"`
}

// JSON returns the JSON-friendly form of i.
func (i Info) JSON() InfoJSON {
	return InfoJSON{Name: i.Name, Address: i.AddressHex(), PubKey: i.PubKeyHex()}
}

// MarshalJSON encodes i as {"name","address","pub_key"}.
func (i Info) MarshalJSON() ([]byte, error) { return json.Marshal(i.JSON()) }

// PassphraseFunc obtains a passphrase from the user. If confirm is true the
// passphrase is a new one and the implementation should ask for it twice
// and fail if the two differ. The prompt has no trailing colon or newline.
type PassphraseFunc func(prompt string, confirm bool) ([]byte, error)

// Keyring is a directory of key files for one backend.
type Keyring struct {
	backend string
	dir     string
	pass    PassphraseFunc
}

// Open opens (creating it if needed, mode 0700) the keyring directory
// <home>/keyring-<backend>. pass is used to ask for passphrases; it may be
// nil if the caller never needs one (test backend without Export/Import).
func Open(home, backend string, pass PassphraseFunc) (*Keyring, error) {
	switch backend {
	case BackendFile, BackendTest:
	default:
		return nil, fmt.Errorf("unknown keyring backend %q: valid backends are %s",
			backend, strings.Join(Backends(), ", "))
	}
	if home == "" {
		return nil, errors.New("keyring: home directory is empty")
	}
	dir := filepath.Join(home, "keyring-"+backend)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create keyring directory: %w", err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("keyring directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("keyring path %s is not a directory", dir)
	}
	if st.Mode().Perm()&0o077 != 0 {
		// Our directory: tighten it rather than keep keys in an open one.
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("keyring directory %s has mode %04o and cannot be set to 0700: %w",
				dir, st.Mode().Perm(), err)
		}
	}
	return &Keyring{backend: backend, dir: dir, pass: pass}, nil
}

// Backend returns the backend name.
func (k *Keyring) Backend() string { return k.backend }

// Dir returns the keyring directory.
func (k *Keyring) Dir() string { return k.dir }

// Add generates a new key under name. For the file backend it asks for a
// new passphrase (with confirmation).
func (k *Keyring) Add(name string) (Info, error) {
	if err := k.checkFree(name); err != nil {
		return Info{}, err
	}
	priv := ed25519.GenPrivKey()
	defer wipe(priv)
	return k.store(name, priv)
}

// AddPrivKey stores priv (64 bytes: seed || public key) under name. For the
// file backend it asks for a new passphrase (with confirmation).
func (k *Keyring) AddPrivKey(name string, priv ed25519.PrivKey) (Info, error) {
	if err := k.checkFree(name); err != nil {
		return Info{}, err
	}
	if err := checkPrivKey(priv, nil); err != nil {
		return Info{}, fmt.Errorf("add key %q: %w", name, err)
	}
	return k.store(name, priv)
}

// List returns all keys sorted by name.
func (k *Keyring) List() ([]Info, error) {
	entries, err := os.ReadDir(k.dir)
	if err != nil {
		return nil, fmt.Errorf("read keyring directory: %w", err)
	}
	var out []Info
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || ValidateName(name) != nil {
			continue // temp files, foreign files
		}
		_, info, err := k.load(name)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Show returns the public description of key name.
func (k *Keyring) Show(name string) (Info, error) {
	if err := ValidateName(name); err != nil {
		return Info{}, err
	}
	_, info, err := k.load(name)
	return info, err
}

// Delete removes key name. It does not ask for a passphrase; confirmation
// is the caller's job.
func (k *Keyring) Delete(name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	// No parse: a corrupt or badly permissioned key file may be deleted too.
	if _, err := os.Lstat(k.path(name)); errors.Is(err, os.ErrNotExist) {
		return k.notFound(name)
	} else if err != nil {
		return fmt.Errorf("delete key %q: %w", name, err)
	}
	if err := os.Remove(k.path(name)); err != nil {
		return fmt.Errorf("delete key %q: %w", name, err)
	}
	syncDir(k.dir)
	return nil
}

// Sign signs msg with key name and returns the signature and the public
// key. For the file backend it asks for the key's passphrase.
func (k *Keyring) Sign(name string, msg []byte) ([]byte, ed25519.PubKey, error) {
	priv, info, err := k.unlock(name)
	if err != nil {
		return nil, nil, err
	}
	defer wipe(priv)
	sig, err := priv.Sign(msg)
	if err != nil {
		return nil, nil, fmt.Errorf("sign with key %q: %w", name, err)
	}
	return sig, info.PubKey, nil
}

// Export returns key name as an export blob: JSON in the file-backend
// format, encrypted with an export passphrase asked for (with
// confirmation) through the PassphraseFunc, whatever the backend. For the
// file backend it first asks for the key's passphrase.
func (k *Keyring) Export(name string) ([]byte, error) {
	priv, info, err := k.unlock(name)
	if err != nil {
		return nil, err
	}
	defer wipe(priv)
	pass, err := k.askNew(fmt.Sprintf("Enter a passphrase to encrypt the export of key %q", name))
	if err != nil {
		return nil, err
	}
	defer wipe(pass)
	c, err := seal(priv, info.Address, pass)
	if err != nil {
		return nil, err
	}
	return marshalKeyFile(info, c)
}

// Import decrypts an export blob with a passphrase asked for through the
// PassphraseFunc and stores the key under name in this keyring's backend
// (for the file backend, asking for a new passphrase).
func (k *Keyring) Import(name string, blob []byte) (Info, error) {
	if err := k.checkFree(name); err != nil {
		return Info{}, err
	}
	if len(blob) > maxFileSize {
		return Info{}, fmt.Errorf("import key %q: blob too large (%d bytes)", name, len(blob))
	}
	kf, info, err := parseKeyFile(blob, "")
	if err != nil {
		return Info{}, fmt.Errorf("import key %q: invalid export blob: %w", name, err)
	}
	if !kf.Crypto.encrypted() {
		return Info{}, fmt.Errorf("import key %q: the blob is not an encrypted export (use `keys export` to make one)", name)
	}
	if err := kf.Crypto.checkEncrypted(); err != nil {
		return Info{}, fmt.Errorf("import key %q: invalid export blob: %w", name, err)
	}
	pass, err := k.ask(fmt.Sprintf("Enter the passphrase of the export to import as key %q", name), false)
	if err != nil {
		return Info{}, err
	}
	priv, err := openSealed(&kf.Crypto, info.Address, pass)
	wipe(pass)
	if err != nil {
		if errors.Is(err, errAuth) {
			return Info{}, errorf(ErrWrongPassphrase, "wrong passphrase for the export being imported as key %q", name)
		}
		return Info{}, fmt.Errorf("import key %q: %w", name, err)
	}
	defer wipe(priv)
	if err := checkPrivKey(priv, info.PubKey); err != nil {
		return Info{}, fmt.Errorf("import key %q: invalid export blob: %w", name, err)
	}
	return k.store(name, priv)
}

func wrongPassphrase(name string) error {
	return errorf(ErrWrongPassphrase, "wrong passphrase for key %q", name)
}

// notFound is ErrNotFound for name, saying so if the home's keyring of
// another backend holds a key of that name: the usual cause is a backend
// set for one command and not the next.
func (k *Keyring) notFound(name string) error {
	for _, other := range Backends() {
		if other == k.backend {
			continue
		}
		dir := filepath.Join(filepath.Dir(k.dir), "keyring-"+other)
		if _, err := os.Lstat(filepath.Join(dir, name+".json")); err == nil {
			return errorf(ErrNotFound, "key %q not found in the %s keyring %s, but the %s keyring %s has it: "+
				"use --keyring-backend %s (or PARTYCHAIN_KEYRING_BACKEND=%s, or keyring-backend = %q in config/client.toml)",
				name, k.backend, k.dir, other, dir, other, other, other)
		}
	}
	return errorf(ErrNotFound, "key %q not found in the %s keyring %s", name, k.backend, k.dir)
}

func (k *Keyring) path(name string) string { return filepath.Join(k.dir, name+".json") }

// checkFree validates name and fails if a key of that name exists.
func (k *Keyring) checkFree(name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if _, err := os.Lstat(k.path(name)); err == nil {
		return k.existsErr(name)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("check key %q: %w", name, err)
	}
	return nil
}

func (k *Keyring) existsErr(name string) error {
	return errorf(ErrExists, "key %q already exists in %s", name, k.dir)
}

func (k *Keyring) ask(prompt string, confirm bool) ([]byte, error) {
	if k.pass == nil {
		return nil, errors.New("keyring: a passphrase is needed but no way to ask for one was given")
	}
	p, err := k.pass(prompt, confirm)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// askNew asks for a new passphrase (with confirmation) and checks its length.
func (k *Keyring) askNew(prompt string) ([]byte, error) {
	p, err := k.ask(prompt, true)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCount(p) < MinPassphraseLen {
		wipe(p)
		return nil, fmt.Errorf("passphrase too short: use at least %d characters", MinPassphraseLen)
	}
	return p, nil
}

// store writes priv under name in this backend. The name must be valid.
func (k *Keyring) store(name string, priv ed25519.PrivKey) (Info, error) {
	pub := ed25519.PubKey(append([]byte(nil), priv[32:]...))
	info := Info{Name: name, Address: pub.Address(), PubKey: pub}
	var c cryptoJSON
	switch k.backend {
	case BackendTest:
		c = cryptoJSON{PlainPrivKey: hex.EncodeToString(priv)}
	default:
		pass, err := k.askNew(fmt.Sprintf("Enter a passphrase to encrypt key %q", name))
		if err != nil {
			return Info{}, err
		}
		sealed, err := seal(priv, info.Address, pass)
		wipe(pass)
		if err != nil {
			return Info{}, err
		}
		c = *sealed
	}
	data, err := marshalKeyFile(info, &c)
	if err != nil {
		return Info{}, err
	}
	if err := writeNew(k.dir, name, data); err != nil {
		if errors.Is(err, os.ErrExist) {
			return Info{}, k.existsErr(name)
		}
		return Info{}, fmt.Errorf("write key %q: %w", name, err)
	}
	return info, nil
}

// load reads and checks the key file of name, without decrypting.
func (k *Keyring) load(name string) (*keyFile, Info, error) {
	p := k.path(name)
	data, err := readKeyFile(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, Info{}, k.notFound(name)
		}
		return nil, Info{}, err
	}
	kf, info, err := parseKeyFile(data, name)
	if err == nil {
		err = k.checkBackend(kf, info)
	}
	if err != nil {
		return nil, Info{}, errorf(ErrCorrupt, "key file %s is corrupt or was tampered with: %v", p, err)
	}
	return kf, info, nil
}

// checkBackend checks the crypto section against the backend; for the test
// backend it also checks the private key against the public key.
func (k *Keyring) checkBackend(kf *keyFile, info Info) error {
	if k.backend == BackendTest {
		if kf.Crypto.encrypted() || kf.Crypto.PlainPrivKey == "" {
			return errors.New("test backend file without plain_priv_key")
		}
		priv, err := hex.DecodeString(kf.Crypto.PlainPrivKey)
		if err != nil {
			return errors.New("plain_priv_key is not hex")
		}
		defer wipe(priv)
		return checkPrivKey(priv, info.PubKey)
	}
	if kf.Crypto.PlainPrivKey != "" {
		return errors.New("file backend key with an unencrypted private key")
	}
	return kf.Crypto.checkEncrypted()
}

// unlock loads key name with its private key, asking for the passphrase
// for the file backend. The caller must wipe the returned key.
func (k *Keyring) unlock(name string) (ed25519.PrivKey, Info, error) {
	if err := ValidateName(name); err != nil {
		return nil, Info{}, err
	}
	kf, info, err := k.load(name)
	if err != nil {
		return nil, Info{}, err
	}
	var priv []byte
	if k.backend == BackendTest {
		priv, err = hex.DecodeString(kf.Crypto.PlainPrivKey)
		if err != nil {
			return nil, Info{}, err // checked in load; unreachable
		}
	} else {
		pass, err := k.ask(fmt.Sprintf("Enter passphrase for key %q", name), false)
		if err != nil {
			return nil, Info{}, err
		}
		priv, err = openSealed(&kf.Crypto, info.Address, pass)
		wipe(pass)
		if err != nil {
			if errors.Is(err, errAuth) {
				return nil, Info{}, wrongPassphrase(name)
			}
			return nil, Info{}, errorf(ErrCorrupt, "key file %s is corrupt or was tampered with: %v", k.path(name), err)
		}
	}
	if err := checkPrivKey(priv, info.PubKey); err != nil {
		wipe(priv)
		return nil, Info{}, errorf(ErrCorrupt, "key file %s is corrupt or was tampered with: %v", k.path(name), err)
	}
	return ed25519.PrivKey(priv), info, nil
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
