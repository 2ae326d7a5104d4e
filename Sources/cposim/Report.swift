import ArgumentParser
import Foundation
import ReliabilityKit
import ReportPages

/// `cposim report`: one self-contained HTML page from a report JSON.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write a run, comparison, sweep, break-even, sensitivity or calibration JSON as one self-contained HTML page.",
    discussion: """
      The page opens offline: inline CSS and SVG charts, no script, nothing loaded from the \
      network. It has the verdict lines, tables with 95% intervals, charts whose titles state \
      the finding, and provenance at the bottom; it prints to PDF (A4). Without -o the page is \
      written next to the input with the extension .html; '-o -' writes it to standard output. \
      run, compare, sweep and breakeven also take --html FILE to write the page directly.

      Examples:
        cposim report out/compare-16k.json -o out/compare-16k.html
        cposim report report.json                 # writes report.html
        cposim compare Scenarios/cluster-16k-pluggable.yaml Scenarios/cluster-16k-cpo-els.yaml --html out/compare.html
      """
  )

  @Argument(help: "The JSON written by cposim run, compare, sweep, breakeven, sensitivity or calibrate.")
  var input: String

  @Option(name: .shortAndLong, help: "The HTML file to write ('-' for standard output; default: INPUT with .html).")
  var output: String?

  /// The output path: `-o`, or the input with `.json` replaced by `.html`.
  var destination: String {
    if let output { return output }
    return input.lowercased().hasSuffix(".json") ? String(input.dropLast(5)) + ".html" : input + ".html"
  }

  func validate() throws {
    if HTMLOutput.sameFile(destination, input) {
      throw ValidationError("the HTML output '\(destination)' is the input file; give another -o")
    }
  }

  func run() throws {
    let html = try HTMLReport.render(file: input)
    if destination == "-" {
      FileHandle.standardOutput.write(Data(html.utf8))
      return
    }
    try HTMLOutput.write(html, to: destination)
    printError("HTML report written to \(destination)")
  }
}

/// Writing the HTML page of a report just computed (`--html` on run, compare, sweep, breakeven).
enum HTMLOutput {
  /// Renders `report` and writes it atomically to `path`.
  static func write(_ report: some Encodable, to path: String) throws {
    try write(try HTMLReport.render(report, file: path), to: path)
  }

  static func write(_ html: String, to path: String) throws {
    do {
      try HTMLReport.write(html, to: path)
    } catch {
      throw CLIError("\(path): cannot write the HTML report (\((error as NSError).localizedDescription))")
    }
  }

  /// Refuses an HTML path that is one of the command's inputs or another of its outputs.
  static func validate(_ html: String?, inputs: [String], outputs: [String?]) throws {
    guard let html else { return }
    if let input = inputs.first(where: { sameFile(html, $0) }) {
      throw ValidationError("'--html \(html)' would overwrite the input \(input); give another file")
    }
    if outputs.compactMap({ $0 }).contains(where: { sameFile(html, $0) }) {
      throw ValidationError("'--html \(html)' is also another output of this command; give another file")
    }
  }

  /// Whether two paths name the same file (after resolving symbolic links).
  static func sameFile(_ a: String, _ b: String) -> Bool {
    guard a != "-", b != "-" else { return false }
    let x = URL(fileURLWithPath: a).resolvingSymlinksInPath().standardizedFileURL.path
    let y = URL(fileURLWithPath: b).resolvingSymlinksInPath().standardizedFileURL.path
    return x == y
  }
}
