internal import CBuildInfo

/// The version of cposim, part of every result's identity: a result is a pure function of
/// (inputs, master seed, trial count, tool version).
public enum ToolVersion {
  /// Semantic version of the tool. Bump the minor version whenever results for the same
  /// inputs and seed can change.
  public static let current = "0.6.0"

  /// The linked GSL library's version, for example `2.7.1`.
  public static var gsl: String { GSL.version }

  /// The git commit this binary was built from, 12 hex digits (`-dirty` when the work tree
  /// had changes), as `make build` stamps it (deploy/stamp-commit.sh); from a source tarball
  /// made by `git archive`, the commit in its `COMMIT` file; `unknown` when nobody stamped the
  /// binary (`swift build` alone). Every report records it as `build_commit`: results of one
  /// version do not depend on it, so files from one build compare byte for byte.
  public static let commit: String = {
    let text = String(cString: cposim_build_commit())
    return text.isEmpty ? "unknown" : text
  }()

  /// The line `cposim --version` prints.
  public static var summary: String {
    "cposim \(current) (commit \(commit), GSL \(gsl), generator \(RandomSource.generatorName))"
  }
}
