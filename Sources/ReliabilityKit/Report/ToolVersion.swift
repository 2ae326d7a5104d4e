/// The version of cposim, part of every result's identity: a result is a pure function of
/// (inputs, master seed, trial count, tool version).
public enum ToolVersion {
  /// Semantic version of the tool. Bump the minor version whenever results for the same
  /// inputs and seed can change.
  public static let current = "0.1.0"

  /// The linked GSL library's version, for example `2.7.1`.
  public static var gsl: String { GSL.version }

  /// The line `cposim --version` prints.
  public static var summary: String {
    "cposim \(current) (GSL \(gsl), generator \(RandomSource.generatorName))"
  }
}
