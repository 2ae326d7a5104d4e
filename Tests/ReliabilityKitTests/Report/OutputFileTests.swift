import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Output files")
struct OutputFileTests {
  /// A fresh folder, removed at the end of the test.
  final class Folder {
    let path: String
    init() throws {
      path = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-out-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
  }

  @Test("an output naming an input is refused, also through a symbolic link and a relative path")
  func refusesInput() throws {
    let folder = try Folder()
    let input = folder.file("s.yaml")
    try "horizon: 1y\n".write(toFile: input, atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: folder.file("link.yaml"), withDestinationPath: "s.yaml")
    for name in [input, folder.file("link.yaml"), folder.path + "/./s.yaml"] {
      #expect(throws: OutputFile.Problem.self) { try OutputFile.check([OutputFile(name, option: "-o")], inputs: [input]) }
    }
    #expect(try String(contentsOfFile: input, encoding: .utf8) == "horizon: 1y\n")
  }

  @Test("two outputs naming one file are refused, also before the file exists")
  func refusesSameOutputTwice() throws {
    let folder = try Folder()
    let a = OutputFile(folder.file("a.json"), option: "-o"), b = OutputFile(folder.path + "/../" + URL(fileURLWithPath: folder.path).lastPathComponent + "/a.json", option: "--per-trial")
    #expect { try OutputFile.check([a, b], inputs: []) } throws: { error in
      "\(error)".contains("name the same file")
    }
  }

  @Test("unwritable outputs are found before the run, in one line")
  func unwritable() throws {
    let folder = try Folder()
    let cases: [(String, String)] = [
      (folder.file("missing/x.json"), "does not exist"),
      (folder.path, "it is a directory"),
      ("/proc/cposim-x.json", "cannot create a file in /proc"),
    ]
    for (path, expected) in cases {
      #expect { try OutputFile.check([OutputFile(path, option: "-o")], inputs: []) } throws: { error in
        "\(error)".contains(expected) && !"\(error)".contains("\n") && !"\(error)".contains("NSCocoaErrorDomain")
      }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "the check leaves no file behind")
  }

  @Test("a regular file is replaced; a symbolic link is written through and kept; /dev/null stays a device")
  func writes() throws {
    let folder = try Folder()
    let real = folder.file("real.json"), link = folder.file("link.json")
    try "old".write(toFile: real, atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
    try OutputFile(link, option: "-o").write(Data("new".utf8))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.json")
    #expect(try String(contentsOfFile: real, encoding: .utf8) == "new")
    // A dangling link: the file it names is created.
    let dangling = folder.file("dangling.json")
    try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "target.json")
    try OutputFile(dangling, option: "-o").write(Data("x".utf8))
    #expect(try String(contentsOfFile: folder.file("target.json"), encoding: .utf8) == "x")

    let null = OutputFile("/dev/null", option: "-o")
    #expect(null.isSpecial)
    try OutputFile.check([null], inputs: [])
    try null.write(Data("report".utf8))
    var info = stat()
    #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["dangling.json", "link.json", "real.json", "target.json"])
  }

  @Test("a FIFO is written through as lines come, not replaced by a regular file")
  func fifo() throws {
    let folder = try Folder()
    let fifo = folder.file("pipe")
    #expect(mkfifo(fifo, 0o644) == 0)
    let received = LockedData()
    let reader = Thread {
      if let handle = FileHandle(forReadingAtPath: fifo) { received.set(handle.readDataToEndOfFile()) }
    }
    reader.start()
    let stream = try OutputFile(fifo, option: "--per-trial").openLines()
    stream.append(Data("a\n".utf8))
    stream.append(Data("b\n".utf8))
    try stream.commit()
    let deadline = Date().addingTimeInterval(5)
    while received.get() == nil, Date() < deadline { usleep(10_000) }
    #expect(received.get() == Data("a\nb\n".utf8))
    var info = stat()
    #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
  }

  @Test("a discarded stream leaves the previous regular file as it was")
  func discard() throws {
    let folder = try Folder()
    let path = folder.file("lines.ndjson")
    try "previous\n".write(toFile: path, atomically: true, encoding: .utf8)
    let stream = try OutputFile(path, option: "--per-trial").openLines()
    stream.append(Data("half".utf8))
    stream.discard()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["lines.ndjson"])
  }
}

final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data: Data?
  func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
  func get() -> Data? { lock.lock(); defer { lock.unlock() }; return data }
}
