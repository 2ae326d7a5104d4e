import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

/// A file a command writes (`-o`, `--per-trial`, `--trace-output`, `--html`, a checkpoint, a
/// shard part, a merged report), with the guarantees cposim gives about it:
///
/// - `check(_:inputs:)` refuses, before anything runs, an output that names an input (compared
///   by device and inode, or by resolved path when the file does not exist yet), two outputs
///   that name the same file, and an output that cannot be written (missing folder, a folder,
///   no permission, a file system that creates nothing such as `/proc`).
/// - `write(_:)` replaces a regular file atomically (a temporary file in the same folder, then
///   `rename`), so a reader never sees half a file; through a symbolic link it writes the file
///   the link points to and keeps the link; a device or FIFO (`/dev/null`, `/dev/stdout`, a pipe)
///   is written through, never replaced.
/// - A file cposim derives from another name (the checkpoint `OUTPUT.checkpoint`) was never
///   named by the user, so none of that applies: a symbolic link, FIFO, device or folder at its
///   path is refused before the run, it is only ever replaced by `rename` (which never follows a
///   link), and `removeIfWritten()` removes it only while it is still the file this process wrote.
/// - Temporary files get an unpredictable name and are created with `O_EXCL`, so a link or file
///   planted where one will be made is never written through.
public struct OutputFile: Sendable, Hashable, CustomStringConvertible {
  /// The path as given.
  public let path: String
  /// The option that named it, for messages (`-o`, `--per-trial`, ...).
  public let option: String
  /// For a file cposim derives from another name: that option and name (`-o out.json`).
  public let derivedFrom: String?

  /// The output `path` the user named with `option`.
  public init(_ path: String, option: String) {
    self.path = path
    self.option = option
    derivedFrom = nil
  }

  /// A file cposim names itself, beside `derivedFrom` (such as `-o out.json`): its links are
  /// never followed and only what this process wrote there is removed.
  public init(derived path: String, option: String, from derivedFrom: String) {
    self.path = path
    self.option = option
    self.derivedFrom = derivedFrom
  }

  /// The option and the path, as messages name it (`-o out.json`).
  public var description: String { "\(option) \(path)" }

  /// Why an output is refused or could not be written: one line.
  public struct Problem: Error, CustomStringConvertible, Equatable, Sendable {
    /// The problem, in one line.
    public let description: String
    /// A problem described by `description`.
    public init(_ description: String) { self.description = description }
  }

  // MARK: Identity

  /// What a path names: an existing file (device and inode), or a path not there yet, resolved.
  public enum Identity: Hashable, Sendable {
    /// An existing file: its device and inode.
    case inode(device: UInt64, inode: UInt64)
    /// A path not there yet, with every symbolic link followed, made absolute.
    case path(String)
  }

  /// What `path` names now, to tell whether two paths are the same file.
  public static func identity(of path: String) -> Identity {
    var info = stat()
    if stat(path, &info) == 0 { return .inode(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) }
    return .path(resolved(path))
  }

  /// `path` with every symbolic link followed (also a dangling last one) and made absolute.
  static func resolved(_ path: String) -> String {
    var current = URL(fileURLWithPath: path).standardizedFileURL.path
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK,
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
      let folder = URL(fileURLWithPath: current).deletingLastPathComponent()
      current = target.hasPrefix("/") ? target : folder.appendingPathComponent(target).standardizedFileURL.path
    }
    // Resolve the links of the folder too (the file itself may not exist).
    let url = URL(fileURLWithPath: current)
    let folder = url.deletingLastPathComponent()
    if let real = realpath(folder.path, nil) {
      defer { free(real) }
      return URL(fileURLWithPath: String(cString: real)).appendingPathComponent(url.lastPathComponent).path
    }
    return current
  }

  /// The file that is written: the path with its symbolic links followed (a derived file: the
  /// path as it is, never through a link).
  public var target: String { derivedFrom == nil ? Self.resolved(path) : URL(fileURLWithPath: path).path }

  /// Whether the target exists and is not a regular file (a device, FIFO or socket): written
  /// through, never replaced. Never true of a derived file.
  public var isSpecial: Bool {
    guard derivedFrom == nil else { return false }
    var info = stat()
    guard stat(target, &info) == 0 else { return false }
    let kind = info.st_mode & S_IFMT
    return kind != S_IFREG && kind != S_IFDIR
  }

  /// Whether something (a file, a link, anything) is at the path itself.
  public var exists: Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Whether the path is standard output (`-`).
  public var isStandardOutput: Bool { path == "-" }

  // MARK: Checks before a run

  /// Refuses outputs that name an input or each other, or that cannot be written.
  /// - Parameters:
  ///   - outputs: every file the command writes.
  ///   - inputs: every file the command reads (scenario, the files it extends, the
  ///   catalog, field logs, parts).
  public static func check(_ outputs: [OutputFile], inputs: [String]) throws(Problem) {
    try checkDistinct(outputs, inputs: inputs)
    for output in outputs { try output.checkWritable() }
  }

  /// Refuses outputs that name an input or each other (the cheap half of `check`, which a
  /// command can run on the paths of its command line before it reads anything).
  public static func checkDistinct(_ outputs: [OutputFile], inputs: [String]) throws(Problem) {
    let files = outputs.filter { !$0.isStandardOutput }
    let inputIdentities = inputs.map { ($0, identity(of: $0)) }
    var seen: [Identity: OutputFile] = [:]
    for output in files {
      let id = identity(of: output.path)
      if let (input, _) = inputIdentities.first(where: { $0.1 == id }) {
        throw Problem("\(output.option) \(output.path) is an input of this command (\(input)); it would be overwritten: give another file")
      }
      if let other = seen[id] {
        throw Problem("\(output.option) \(output.path) and \(other.option) \(other.path) name the same file; give each output its own file")
      }
      seen[id] = output
    }
  }

  /// Checks that the file can be written, without changing it: its folder exists and accepts a
  /// new file (for the atomic replace), and it is not a folder.
  public func checkWritable() throws(Problem) {
    guard !isStandardOutput else { return }
    guard !path.isEmpty else { throw Problem("\(option): the file name is empty") }
    if let derivedFrom { try checkDerived(from: derivedFrom) }
    let target = self.target
    var info = stat()
    if stat(target, &info) == 0 {
      let kind = info.st_mode & S_IFMT
      if kind == S_IFDIR { throw Problem("cannot write \(path) (\(option)): it is a directory; give a file name") }
      if kind != S_IFREG {
        guard access(target, W_OK) == 0 else { throw Problem("cannot write \(path) (\(option)): \(Self.reason(errno))") }
        // A FIFO is opened now, without blocking, and kept open until it is written: one with no
        // reader is refused before the run instead of blocking open() after it.
        if kind == S_IFIFO { Self.special.keep(try Self.openSpecial(target, for: self), for: target) }
        return
      }
      if access(target, W_OK) != 0 { throw Problem("cannot write \(path) (\(option)): \(Self.reason(errno))") }
    }
    let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
    var folderInfo = stat()
    guard stat(folder, &folderInfo) == 0 else {
      throw Problem("cannot write \(path) (\(option)): the directory \(folder) does not exist")
    }
    guard folderInfo.st_mode & S_IFMT == S_IFDIR else {
      throw Problem("cannot write \(path) (\(option)): \(folder) is not a directory")
    }
    // Creating (and removing) a scratch file is the only reliable test: access() says yes to
    // root everywhere, and file systems such as /proc refuse new files whatever the mode.
    let probe = Self.temporaryPath(for: target, tag: "probe.")
    let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard fd >= 0 else { throw Problem("cannot write \(path) (\(option)): cannot create a file in \(folder) (\(Self.reason(errno)))") }
    close(fd)
    unlink(probe)
  }

  /// A derived file may be absent or a regular file; anything else at its path (a symbolic
  /// link someone planted, a FIFO that would block, a device) is refused, because the user never
  /// named it.
  private func checkDerived(from origin: String) throws(Problem) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    let kind = info.st_mode & S_IFMT
    guard kind != S_IFREG else { return }
    let what: String
    switch kind {
    case S_IFLNK:
      let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " (to \($0))" } ?? ""
      what = "a symbolic link\(destination), and cposim follows no link at a file it names itself"
    case S_IFDIR: what = "a directory"
    case S_IFIFO: what = "a FIFO, not a regular file"
    case S_IFSOCK: what = "a socket, not a regular file"
    default: what = "a device, not a regular file"
    }
    throw Problem("cannot write \(path) (the \(option) of \(origin)): it is \(what); remove it or give \(origin.split(separator: " ").first.map(String.init) ?? "the output") another name")
  }

  // MARK: Writing

  /// Writes `data` as the whole file: atomically over a regular file (or a new one), through a
  /// device or FIFO. Standard output (`-`) is written directly.
  public func write(_ data: Data) throws(Problem) {
    if isStandardOutput {
      FileHandle.standardOutput.write(data)
      return
    }
    let target = self.target
    if isSpecial {
      try writeThrough(data, to: target)
      return
    }
    let temporary = Self.temporaryPath(for: target)
    do throws(Problem) {
      try writeThrough(data, to: temporary, create: true, mode: Self.mode(of: target))
      guard rename(temporary, target) == 0 else { throw Problem("cannot write \(path) (\(option)): \(Self.reason(errno))") }
      // What is there now is what this process wrote (rename changed its ctime): the file
      // removeIfWritten() may remove.
      if let written = Self.stamp(target) { Self.created.record(target, written) }
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// Writes `value` as cposim JSON (see `JSONOutput`).
  public func writeJSON(_ value: some Encodable) throws {
    try write(Data(JSONOutput.string(value).utf8))
  }

  /// Writes all of `data` to `fd`, retrying interrupted writes; returns 0 or the errno that stopped it.
  static func writeAll(_ data: Data, to fd: Int32) -> Int32 {
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32 in
      var offset = 0
      while offset < buffer.count {
        let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += written
      }
      return 0
    }
  }

  /// Writes `data` to `file`: a new file (`create`, with `O_EXCL`, so nothing already there is
  /// followed or reused) or a special file written through.
  private func writeThrough(_ data: Data, to file: String, create: Bool = false, mode: mode_t = 0o644) throws(Problem) {
    let fd = create ? open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode) : try Self.openSpecial(file, for: self)
    guard fd >= 0 else { throw Problem("cannot write \(path) (\(option)): \(Self.reason(errno))") }
    defer { close(fd) }
    let failure = Self.writeAll(data, to: fd)
    if failure != 0 { throw Problem("cannot write \(path) (\(option)): \(Self.reason(failure))") }
    if create, fsync(fd) != 0 { throw Problem("cannot write \(path) (\(option)): \(Self.reason(errno))") }
  }

  /// The permissions of an existing regular file (kept when it is replaced), else rw-r--r--.
  static func mode(of file: String) -> mode_t {
    var info = stat()
    guard stat(file, &info) == 0 else { return 0o644 }
    return info.st_mode & 0o7777
  }

  /// Opens a device, FIFO or socket to write through, never blocking: a FIFO opened by
  /// `checkWritable()` is taken as it is, and one that no process reads is refused (open()
  /// would wait for a reader, deaf to SIGINT and SIGTERM).
  static func openSpecial(_ file: String, for output: OutputFile) throws(Problem) -> Int32 {
    if let fd = special.take(file) { return fd }
    // A reader started at the same moment (`cposim run ... --per-trial p & cat p`) is given a
    // second to open its end: polled, never a blocking open().
    var fd = open(file, O_WRONLY | O_NONBLOCK)
    for _ in 0..<100 where fd < 0 && errno == ENXIO {
      usleep(10_000)
      fd = open(file, O_WRONLY | O_NONBLOCK)
    }
    guard fd >= 0 else {
      if errno == ENXIO {
        throw Problem("cannot write \(output.path) (\(output.option)): it is a FIFO that no process reads; start its reader first, or give a regular file")
      }
      throw Problem("cannot write \(output.path) (\(output.option)): \(reason(errno))")
    }
    // Writes block as usual once it is open (a slow reader is waited for).
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    return fd
  }

  /// FIFOs opened before a run, by path, until they are written.
  static let special = SpecialFiles()

  final class SpecialFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [String: Int32] = [:]

    /// Keeps `fd` for `file`, or closes it when one is already kept.
    func keep(_ fd: Int32, for file: String) {
      lock.lock(); defer { lock.unlock() }
      if open[file] == nil { open[file] = fd } else { close(fd) }
    }

    func take(_ file: String) -> Int32? {
      lock.lock(); defer { lock.unlock() }
      return open.removeValue(forKey: file)
    }
  }

  /// A temporary name beside `target` that nobody can predict (`.NAME.PID.RANDOM.tmp`): it is
  /// created with `O_EXCL`, so a file or link planted there makes the write fail, never follows.
  static func temporaryPath(for target: String, tag: String = "") -> String {
    let url = URL(fileURLWithPath: target)
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(tag)\(getpid()).\(random).tmp").path
  }

  static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

  /// Removes the file if it is still the one this process last wrote there (a checkpoint after
  /// the run completed): never a file someone else put there, never what a link points to.
  public func removeIfWritten() {
    guard !isStandardOutput, !isSpecial else { return }
    let target = self.target
    var info = stat()
    guard lstat(target, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
          let written = Self.created.stamp(of: target), Self.stamp(target) == written else { return }
    // unlink removes a name, never what a link there points to: if the file were swapped for a
    // link in between, only that link would go.
    unlink(target)
    Self.created.forget(target)
  }

  /// The files this process wrote by renaming a new file into place, by path: what
  /// `removeIfWritten()` may remove.
  static let created = CreatedFiles()

  /// A regular file as it is now: an inode number alone could be reused by a file created
  /// after ours was removed; its change time (set by the rename) tells them apart.
  struct Stamp: Hashable {
    var device: UInt64, inode: UInt64, changed: Int, changedNanoseconds: Int
  }

  static func stamp(_ path: String) -> Stamp? {
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    #if canImport(Darwin)
    let changed = info.st_ctimespec
    #else
    let changed = info.st_ctim
    #endif
    return Stamp(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), changed: Int(changed.tv_sec),
                 changedNanoseconds: Int(changed.tv_nsec))
  }

  final class CreatedFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: Stamp] = [:]

    func record(_ path: String, _ stamp: Stamp) {
      lock.lock(); defer { lock.unlock() }
      files[path] = stamp
    }

    func stamp(of path: String) -> Stamp? {
      lock.lock(); defer { lock.unlock() }
      return files[path]
    }

    func forget(_ path: String) {
      lock.lock(); defer { lock.unlock() }
      files[path] = nil
    }
  }

  // MARK: Streaming

  /// Opens a stream of lines for this file: a regular file is written to a temporary file that
  /// replaces it at `commit()`; a device or FIFO is written as the lines come.
  public func openLines() throws(Problem) -> LineStream { try LineStream(self) }

  /// Lines appended as a run goes; memory stays flat, and a failed or interrupted run leaves the
  /// previous regular file as it was.
  public final class LineStream: @unchecked Sendable {
    private let file: OutputFile
    private let target: String
    private let temporary: String?
    private let fd: Int32
    private let lock = NSLock()
    private var failure: String?

    init(_ file: OutputFile) throws(Problem) {
      self.file = file
      target = file.target
      if file.isStandardOutput {
        temporary = nil
        fd = dup(STDOUT_FILENO)
      } else if file.isSpecial {
        temporary = nil
        fd = try OutputFile.openSpecial(target, for: file)
      } else {
        let temporary = OutputFile.temporaryPath(for: target)
        self.temporary = temporary
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, OutputFile.mode(of: target))
      }
      guard fd >= 0 else { throw Problem("cannot write \(file.path) (\(file.option)): \(OutputFile.reason(errno))") }
    }

    /// Appends `data`; after a failed write nothing more is written, and `commit()` throws it.
    public func append(_ data: Data) {
      lock.lock(); defer { lock.unlock() }
      guard failure == nil else { return }
      let error = OutputFile.writeAll(data, to: fd)
      if error != 0 { failure = OutputFile.reason(error) }
    }

    /// Finishes the file; throws if any write failed.
    public func commit() throws(Problem) {
      lock.lock(); defer { lock.unlock() }
      if let failure {
        discardLocked()
        throw Problem("cannot write \(file.path) (\(file.option)): \(failure)")
      }
      if let temporary {
        guard fsync(fd) == 0, close(fd) == 0 else {
          let reason = OutputFile.reason(errno)
          unlink(temporary)
          throw Problem("cannot write \(file.path) (\(file.option)): \(reason)")
        }
        guard rename(temporary, target) == 0 else {
          let reason = OutputFile.reason(errno)
          unlink(temporary)
          throw Problem("cannot write \(file.path) (\(file.option)): \(reason)")
        }
      } else {
        close(fd)
      }
    }

    /// Drops what was written (to a regular file: the previous file stays as it was).
    public func discard() {
      lock.lock(); defer { lock.unlock() }
      discardLocked()
    }

    private func discardLocked() {
      close(fd)
      if let temporary { unlink(temporary) }
    }
  }
}
