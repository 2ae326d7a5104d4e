// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "cposim",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "ReliabilityKit", targets: ["ReliabilityKit"]),
    // For the fuzz target of the report reader (Fuzz/).
    .library(name: "ReportPages", targets: ["ReportPages"]),
    .executable(name: "cposim", targets: ["cposim"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
  ],
  targets: [
    // GNU Scientific Library: random number generators, distributions, CDFs, minimisers.
    .systemLibrary(
      name: "CGSL",
      pkgConfig: "gsl",
      providers: [.apt(["libgsl-dev"]), .brew(["gsl"])]
    ),
    // The build's git commit, stamped into the linked binary by deploy/stamp-commit.sh.
    .target(name: "CBuildInfo"),
    .target(
      name: "ReliabilityKit",
      dependencies: ["CGSL", "CBuildInfo", .product(name: "Yams", package: "Yams")]
    ),
    // The single-file HTML report: reads cposim's JSON and draws it (kept out of the library,
    // which computes and does not plot).
    .target(
      name: "ReportPages",
      dependencies: ["ReliabilityKit"]
    ),
    .executableTarget(
      name: "cposim",
      dependencies: [
        "ReliabilityKit",
        "ReportPages",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // In-process kernels measured by `make bench` (bench/sampler.sh); not installed.
    .executableTarget(
      name: "cposim-bench",
      dependencies: ["ReliabilityKit"]
    ),
    .testTarget(
      name: "ReliabilityKitTests",
      dependencies: ["ReliabilityKit"]
    ),
    .testTarget(
      name: "cposimTests",
      dependencies: ["cposim", "ReliabilityKit", "ReportPages"]
    ),
    .testTarget(
      name: "ReportPagesTests",
      dependencies: ["ReportPages", "ReliabilityKit"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
