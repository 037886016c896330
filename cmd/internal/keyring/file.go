package keyring

import (
	"bytes"
	stded25519 "crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"
)

const (
	fileVersion = 1

	kdfScrypt     = "scrypt"
	cipherXChaCha = "xchacha20-poly1305"

	scryptR     = 8
	scryptP     = 1
	saltLen     = 16
	keyLen      = 32
	addrLen     = 20
	maxFileSize = 64 << 10

	// Bounds on scrypt parameters read from a file, so a crafted file
	// cannot make us allocate gigabytes.
	maxScryptN = 1 << 20
	maxScryptR = 32
	maxScryptP = 16
)

// scryptN is the scrypt cost for new encryptions. Tests lower it; it is
// not configurable otherwise. Files record the N they were written with.
var scryptN = 32768

// errAuth means AEAD authentication failed: wrong passphrase (or a
// ciphertext/address altered in a way the other checks did not catch).
var errAuth = errors.New("authentication failed")

type keyFile struct {
	Version int        `json:"version"`
	Name    string     `json:"name"`
	Address string     `json:"address"`
	PubKey  string     `json:"pub_key"`
	Crypto  cryptoJSON `json:"crypto"`
}

type cryptoJSON struct {
	KDF          string `json:"kdf,omitempty"`
	N            int    `json:"n,omitempty"`
	R            int    `json:"r,omitempty"`
	P            int    `json:"p,omitempty"`
	Salt         string `json:"salt,omitempty"`
	Cipher       string `json:"cipher,omitempty"`
	Nonce        string `json:"nonce,omitempty"`
	Ciphertext   string `json:"ciphertext,omitempty"`
	PlainPrivKey string `json:"plain_priv_key,omitempty"`
}

func (c *cryptoJSON) encrypted() bool {
	return c.KDF != "" || c.Cipher != "" || c.Ciphertext != "" || c.Salt != "" || c.Nonce != ""
}

// checkEncrypted checks the shape of an encrypted crypto section.
func (c *cryptoJSON) checkEncrypted() error {
	if c.PlainPrivKey != "" {
		return errors.New("both encrypted and plain private key")
	}
	if c.KDF != kdfScrypt {
		return fmt.Errorf("unsupported kdf %q", c.KDF)
	}
	if c.Cipher != cipherXChaCha {
		return fmt.Errorf("unsupported cipher %q", c.Cipher)
	}
	if c.N < 2 || c.N > maxScryptN || c.N&(c.N-1) != 0 {
		return fmt.Errorf("bad scrypt n %d", c.N)
	}
	if c.R < 1 || c.R > maxScryptR || c.P < 1 || c.P > maxScryptP {
		return fmt.Errorf("bad scrypt r %d or p %d", c.R, c.P)
	}
	if b, err := hex.DecodeString(c.Salt); err != nil || len(b) != saltLen {
		return errors.New("bad salt")
	}
	if b, err := hex.DecodeString(c.Nonce); err != nil || len(b) != chacha20poly1305.NonceSizeX {
		return errors.New("bad nonce")
	}
	if b, err := hex.DecodeString(c.Ciphertext); err != nil ||
		len(b) != ed25519.PrivateKeySize+chacha20poly1305.Overhead {
		return errors.New("bad ciphertext")
	}
	return nil
}

// parseKeyFile decodes data and checks version, name (if wantName is not
// empty), and that the public key hashes to the address.
func parseKeyFile(data []byte, wantName string) (*keyFile, Info, error) {
	var kf keyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, Info{}, fmt.Errorf("not a valid key file: %v", err)
	}
	if dec.More() {
		return nil, Info{}, errors.New("not a valid key file: trailing data")
	}
	if kf.Version != fileVersion {
		return nil, Info{}, fmt.Errorf("unsupported key file version %d (want %d)", kf.Version, fileVersion)
	}
	if wantName != "" && kf.Name != wantName {
		return nil, Info{}, fmt.Errorf("name %q does not match file name %q", kf.Name, wantName)
	}
	if wantName == "" && ValidateName(kf.Name) != nil {
		return nil, Info{}, fmt.Errorf("invalid name %q", kf.Name)
	}
	addr, err := hex.DecodeString(kf.Address)
	if err != nil || len(addr) != addrLen {
		return nil, Info{}, errors.New("bad address")
	}
	pub, err := hex.DecodeString(kf.PubKey)
	if err != nil || len(pub) != ed25519.PubKeySize {
		return nil, Info{}, errors.New("bad pub_key")
	}
	pk := ed25519.PubKey(pub)
	if !bytes.Equal(pk.Address(), addr) {
		return nil, Info{}, errors.New("address does not match pub_key")
	}
	return &kf, Info{Name: kf.Name, Address: addr, PubKey: pk}, nil
}

func marshalKeyFile(info Info, c *cryptoJSON) ([]byte, error) {
	kf := keyFile{
		Version: fileVersion,
		Name:    info.Name,
		Address: info.AddressHex(),
		PubKey:  info.PubKeyHex(),
		Crypto:  *c,
	}
	data, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// checkPrivKey checks that priv is a well-formed 64-byte ed25519 key (seed
// followed by the public key derived from it) and, if pub is not nil,
// that its public key is pub.
func checkPrivKey(priv []byte, pub []byte) error {
	if len(priv) != ed25519.PrivateKeySize {
		return fmt.Errorf("private key has %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	derived := stded25519.NewKeyFromSeed(priv[:ed25519.SeedSize])
	defer wipe(derived)
	if subtle.ConstantTimeCompare(derived, priv) != 1 {
		return errors.New("private key is inconsistent (its public half does not match its seed)")
	}
	if pub != nil && !bytes.Equal(priv[ed25519.SeedSize:], pub) {
		return errors.New("private key does not match pub_key")
	}
	return nil
}

func deriveKey(pass, salt []byte, n, r, p int) ([]byte, error) {
	return scrypt.Key(pass, salt, n, r, p, keyLen)
}

// seal encrypts priv with a key derived from pass; addr is the AEAD's
// additional data.
func seal(priv, addr, pass []byte) (*cryptoJSON, error) {
	salt := make([]byte, saltLen)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := io.ReadFull(rand.Reader, salt); err != nil {
		return nil, fmt.Errorf("read random: %w", err)
	}
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, fmt.Errorf("read random: %w", err)
	}
	key, err := deriveKey(pass, salt, scryptN, scryptR, scryptP)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	defer wipe(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	ct := aead.Seal(nil, nonce, priv, addr)
	return &cryptoJSON{
		KDF:        kdfScrypt,
		N:          scryptN,
		R:          scryptR,
		P:          scryptP,
		Salt:       hex.EncodeToString(salt),
		Cipher:     cipherXChaCha,
		Nonce:      hex.EncodeToString(nonce),
		Ciphertext: hex.EncodeToString(ct),
	}, nil
}

// openSealed decrypts c (already checked with checkEncrypted). A wrong
// passphrase gives errAuth.
func openSealed(c *cryptoJSON, addr, pass []byte) ([]byte, error) {
	if err := c.checkEncrypted(); err != nil {
		return nil, err
	}
	salt, _ := hex.DecodeString(c.Salt)
	nonce, _ := hex.DecodeString(c.Nonce)
	ct, _ := hex.DecodeString(c.Ciphertext)
	key, err := deriveKey(pass, salt, c.N, c.R, c.P)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	defer wipe(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	priv, err := aead.Open(nil, nonce, ct, addr)
	if err != nil {
		return nil, errAuth
	}
	return priv, nil
}

// readKeyFile reads a key file, refusing anything but a small regular file
// that only its owner can read or write.
func readKeyFile(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("key file %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s has mode %04o: it must be readable by its owner only (chmod 600 %s)",
			path, st.Mode().Perm(), path)
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("key file %s is too large (%d bytes)", path, st.Size())
	}
	return os.ReadFile(path)
}

// writeNew writes data to dir/name.json atomically, failing with an error
// matching os.ErrExist if that file exists: temp file (0600), fsync, then
// a hard link (which never replaces) or, where links are unsupported, a
// checked rename; then an fsync of the directory.
func writeNew(dir, name string, data []byte) (err error) {
	final := filepath.Join(dir, name+".json")
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if f != nil {
			f.Close()
		}
		os.Remove(tmp) // after a link, or on failure; harmless after a rename
	}()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	err = f.Close()
	f = nil
	if err != nil {
		return err
	}
	if err := os.Link(tmp, final); err != nil {
		if errors.Is(err, os.ErrExist) {
			return err
		}
		// No hard links here (some filesystems): check, then rename.
		if _, serr := os.Lstat(final); serr == nil {
			return &os.PathError{Op: "create", Path: final, Err: os.ErrExist}
		}
		if err := os.Rename(tmp, final); err != nil {
			return err
		}
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename or unlink in dir durable, where the OS allows.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
