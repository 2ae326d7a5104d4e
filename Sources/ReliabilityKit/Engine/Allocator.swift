internal import CGSL

/// The process's memory allocator, set for many trials in a row.
public enum Allocator {
  /// Keeps memory a trial frees in the heap for the next trial, instead of returning blocks
  /// above 128 KiB to the system and faulting them in again: glibc's default, which cost the
  /// peer model a fifth of its time in page faults (a trial's tickets and a fabric's link state
  /// are each allocated anew). Call once at start-up; elsewhere than glibc it does nothing.
  public static func keepFreedMemory() {
    _ = cposim_keep_freed_memory()
  }
}
