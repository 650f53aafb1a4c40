#pragma once
// Process-wide hardening shared by both executables.

namespace pat {

// Makes the process non-dumpable (no core files, no ptrace by other
// processes of the same user) so secrets held in memory cannot leak through a
// crash dump. Call first thing in main.
void harden_process() noexcept;

}  // namespace pat
