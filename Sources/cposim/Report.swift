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
    try checkOutputNames([OutputFile(destination, option: "-o")], inputs: [input])
  }

  func run() throws {
    try OutputFile.check([OutputFile(destination, option: "-o")], inputs: [input])
    let html = try HTMLReport.render(file: input)
    if destination == "-" {
      FileHandle.standardOutput.write(Data(html.utf8))
      return
    }
    try HTMLOutput.write(html, to: destination, option: "-o")
    printError("HTML report written to \(destination)")
  }
}

/// The outputs of a command checked against its command line before anything is read: an
/// output naming an input given there, or another output, is a usage error (exit 64). The full
/// check (files a scenario extends, the catalog, writability) runs once the inputs are read.
func checkOutputNames(_ outputs: [OutputFile?], inputs: [String]) throws {
  do { try OutputFile.checkDistinct(outputs.compactMap { $0 }, inputs: inputs) } catch { throw ValidationError(error.description) }
}

/// Writing the HTML page of a report just computed (`--html` on run, compare, sweep, breakeven).
enum HTMLOutput {
  /// Renders `report` and writes it to `path` (see `OutputFile`).
  static func write(_ report: some Encodable, to path: String) throws {
    try write(try HTMLReport.render(report, file: path), to: path)
  }

  static func write(_ html: String, to path: String, option: String = "--html") throws {
    try HTMLReport.write(html, to: path, option: option)
  }
}
