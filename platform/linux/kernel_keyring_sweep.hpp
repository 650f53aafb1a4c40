#pragma once
// Garbage collection of the kernel keyring store's chunk keys.
//
// Two stores of the same key that run at once both read the same old
// credential key, and the one that commits last drops only that old key's
// chunks: the chunks of the one that committed first are then referenced
// by nobody, and they hold that secret's bytes until the keyring goes. So
// after every commit and every erase the store sweeps: every `chunk:` key
// whose generation no credential key references is removed. A store that
// is still writing its chunks has a `pending:<generation>` key (created
// before its first chunk, removed after its commit), and its chunks are
// spared; a store that dies leaves a marker and chunks that the kernel
// drops with their grace time-out.
//
// Why this is race-free: the sweep takes one snapshot of the keyring's
// links. A chunk in the snapshot was linked after its marker, so either the
// marker is in the snapshot too, or the marker was already removed, which
// happens only after the credential key that references the chunk was
// committed. That key is in the snapshot unless a newer store replaced it,
// and a replaced credential's chunks are garbage: a reader that still holds
// the old key retries with the new one.

#include "linux/kernel_keyring_io.hpp"

namespace pat::platform {

// Removes the unreferenced chunk keys of `ring` (see above). Best effort:
// any credential key it cannot read for a reason other than "gone" stops it
// without removing anything.
void drop_unreferenced_chunks(keyring_io::KeyId ring);

}  // namespace pat::platform
