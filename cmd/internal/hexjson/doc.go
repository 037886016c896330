// Package hexjson gives the CLI's JSON output one encoding of bytes: hex,
// as its text output prints them. Proto3 JSON (and encoding/json) write
// bytes fields in base64, so a hash or an address read from `-o json`
// would not match the same value in text or on a command line.
//
// Addresses (20 bytes) and tx hashes (fields named *tx_hash) are upper
// case, as CometBFT and the keyring print them; other bytes (commitments,
// document hashes, public keys, store keys and values) lower case. Only the
// output changes: what a node answers and what a receipt holds stay as
// they are.
package hexjson
