import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reading an input file whole, never more than a limit: a regular file larger than the limit
/// is refused before it is read, and a stream (a FIFO, `/dev/stdin`, a device such as
/// `/dev/zero`) is read only up to the limit. `/dev/null` reads as an empty file.
package enum InputFile {
  /// Why a file could not be read, as the end of a message that names it.
  package enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
    case missing
    case directory(what: String)
    /// `bytes` is nil for a stream that went on past the limit.
    case tooLarge(bytes: Int?, limit: Int)
    case unreadable(String)

    package var reason: String {
      switch self {
      case .missing: "no such file"
      case let .directory(what): "is a directory, not a \(what)"
      case let .tooLarge(bytes, limit):
        "\(bytes.map { "is \($0) bytes" } ?? "has more than \(limit) bytes"); cposim reads at most \(limit) bytes (\(limit >> 20) MB) of it"
      case let .unreadable(why): "not readable (\(why))"
      }
    }

    package var description: String { reason }
  }

  /// Whether `path` is something other than a regular file or a directory: a FIFO, a pipe, a
  /// device such as `/dev/stdin`. Relative paths inside a stream are read from the current folder.
  package static func isStream(_ path: String) -> Bool {
    // /dev/stdin redirected from a file is a regular file, but its folder is not the file's.
    if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") { return true }
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    let kind = info.st_mode & S_IFMT
    return kind != S_IFREG && kind != S_IFDIR
  }

  /// The whole content of `path`.
  /// - Parameters:
  ///   - limit: the most bytes read.
  ///   - what: what the file should be, for messages ("scenario (YAML) file").
  package static func read(_ path: String, limit: Int, what: String) throws(Problem) -> Data {
    // A FIFO with no writer blocked open() (deaf to SIGINT): open without blocking, then read
    // blocking (a writer that is there, such as `<(cat s.yaml)`, is read to its end).
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else {
      let code = errno
      throw code == ENOENT || code == ENOTDIR ? .missing : .unreadable(String(cString: strerror(code)))
    }
    defer { close(fd) }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
    let kind = info.st_mode & S_IFMT
    if kind == S_IFDIR { throw .directory(what: what) }
    if kind == S_IFREG, Int(info.st_size) > limit { throw .tooLarge(bytes: Int(info.st_size), limit: limit) }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .unreadable(String(cString: strerror(errno)))
      }
      if count == 0 { break }
      data.append(contentsOf: buffer[0..<count])
      if data.count > limit { throw .tooLarge(bytes: kind == S_IFREG ? data.count : nil, limit: limit) }
    }
    return data
  }
}
