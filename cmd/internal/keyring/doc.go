// Package keyring stores partychain account keys (ed25519) on disk, encrypts
// them at rest, and signs with them.
//
// What it owns:
//   - key files: one JSON file per key, <home>/keyring-<backend>/<name>.json,
//     in a directory of mode 0700, each file mode 0600, written atomically
//     (temp file, fsync, link/rename, fsync of the directory);
//   - the encryption of private keys (scrypt key derivation, XChaCha20-Poly1305
//     with the key's address as additional data) for the "file" backend and
//     for export blobs;
//   - signing: Sign is the only way a private key leaves this package in use,
//     and only as a signature. Export hands out a private key only encrypted.
//
// What it must never do:
//   - print, log or put into an error message a private key or a passphrase;
//   - write a key file, temp file or directory with a mode more permissive
//     than 0600 (files) or 0700 (directory);
//   - overwrite an existing key by accident (Add, AddPrivKey and Import fail
//     if the name is taken).
//
// Backends:
//
//   - "file" (the default): the private key is encrypted with a key derived
//     from a passphrase. The passphrase is asked for (through the
//     PassphraseFunc given to Open) when a key is created or imported, and
//     when it is used: Sign and Export. List, Show and Delete never ask.
//
//   - "test": THE PRIVATE KEY IS STORED UNENCRYPTED. Anyone who can read the
//     file owns the account. It exists for scripts, CI and local testnets
//     only; never use it for a key that controls anything of value.
//
// File format (version 1):
//
//	{
//	  "version": 1,
//	  "name": "alice",
//	  "address": "UPPER-HEX of SHA-256(pub_key)[:20]",
//	  "pub_key": "hex of the 32-byte ed25519 public key",
//	  "crypto": {
//	    "kdf": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "hex, 16 bytes",
//	    "cipher": "xchacha20-poly1305", "nonce": "hex, 24 bytes",
//	    "ciphertext": "hex of the sealed 64-byte private key"
//	  }
//	}
//
// For the test backend, crypto is {"plain_priv_key": "hex, 64 bytes"}.
// An export blob has exactly the file-backend format (always encrypted, with
// the export passphrase), so a file-backend key file can also be imported.
//
// Every load checks that the public key hashes to the address, that the name
// matches the file name, and, once the private key is available, that it
// derives the stored public key; any mismatch is reported as a tampered or
// corrupt file.
package keyring
