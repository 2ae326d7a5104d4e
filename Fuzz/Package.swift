// swift-tools-version:6.0
// libFuzzer targets for cposim's readers (`make fuzz`): built with -sanitize=fuzzer, kept out of
// the main package so that a plain `swift build` never needs the fuzzer runtime.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name (cposim, or a worktree's name).
let parent = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
  name: "cposim-fuzz",
  platforms: [.macOS(.v13)],
  dependencies: [.package(path: "..")],
  targets: [
    .executableTarget(name: "FuzzScenario", dependencies: ["FuzzScenarioMain", .product(name: "ReliabilityKit", package: parent)]),
    .executableTarget(name: "FuzzFieldLog", dependencies: ["FuzzFieldLogMain", .product(name: "ReliabilityKit", package: parent)]),
    .executableTarget(name: "FuzzReport", dependencies: ["FuzzReportMain", .product(name: "ReportPages", package: parent)]),
    .executableTarget(name: "FuzzPartialReport", dependencies: ["FuzzPartialReportMain", .product(name: "ReliabilityKit", package: parent)]),
    // SwiftPM links an executable with main = <target>_main: these define it as libFuzzer's driver.
    .target(name: "FuzzScenarioMain"),
    .target(name: "FuzzFieldLogMain"),
    .target(name: "FuzzReportMain"),
    .target(name: "FuzzPartialReportMain"),
  ],
  swiftLanguageModes: [.v6]
)
