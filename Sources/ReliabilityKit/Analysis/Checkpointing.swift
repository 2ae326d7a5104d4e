import Foundation

/// Checkpoint-interval theory: the closed forms the simulated jobs are checked against, and the
/// advice the report gives.
public enum Checkpointing {
  /// Young's first-order optimum τ = √(2δM) (Young 1974, CACM 17(9)).
  /// - Parameters:
  ///   - δ: `writeTime`, the blocking checkpoint write time, in hours.
  ///   - m: `meanTimeBetweenInterruptions`, M, in hours.
  public static func youngOptimum(writeTime δ: Hours, meanTimeBetweenInterruptions m: Hours) -> Hours {
    (2 * δ * m).squareRoot()
  }

  /// Daly's higher-order optimum (Daly 2006, FGCS 22(3)):
  /// τ = √(2δM) [1 + ⅓√(δ/2M) + ⅑(δ/2M)] − δ for δ < 2M, and M otherwise.
  public static func dalyOptimum(writeTime δ: Hours, meanTimeBetweenInterruptions m: Hours) -> Hours {
    guard δ < 2 * m else { return m }
    let x = δ / (2 * m)
    return (2 * δ * m).squareRoot() * (1 + x.squareRoot() / 3 + x / 9) - δ
  }

  /// Kokolis et al.'s first-order expected ETTR (HPCA 2025):
  /// (1 − λ(u0 + Δ/2)) / (1 + w/Δ), with λ the job's interruption rate.
  public static func kokolisETTR(interruptionRate λ: Double, restartOverhead u0: Hours, interval Δ: Hours, writeTime w: Hours) -> Double {
    (1 - λ * (u0 + Δ / 2)) / (1 + w / Δ)
  }

  /// The exact long-run ETTR of cposim's job model under Poisson failures at rate λ on the
  /// calendar (they strike whether the job runs or restarts): each cycle computes in blocks of
  /// Δ each followed by a write of w until a failure loses the unfinished block, then hangs for
  /// the detection time d and restarts (u0); a failure during the hang or the restart starts
  /// them over, so the restart phase ends after the first failure-free stretch of d + u0 and
  /// lasts (e^(λ(d+u0)) − 1)/λ on average. By renewal-reward,
  /// ETTR = E[saved work] / E[cycle] = Δ q/(1 − q) / (1/λ + (e^(λ(d+u0)) − 1)/λ) = λΔ q/(1 − q) · e^(−λ(d+u0)),
  /// with q = e^(−λ(Δ + w)). For λ(d + u0) ≪ 1 the restart phase is d + u0, and each failure
  /// costs d + u0 + about Δ/2 of work.
  public static func exactETTR(interruptionRate λ: Double, restartOverhead u0: Hours, interval Δ: Hours, writeTime w: Hours,
                               detection d: Hours = 0) -> Double {
    let q = exp(-λ * (Δ + w))
    return λ * Δ * q / -expm1(-λ * (Δ + w)) * exp(-λ * (d + u0))
  }

  /// The expected work lost at one failure of a Poisson process at rate λ that strikes a job
  /// computing in blocks of Δ (no write time): E[T mod Δ] for T ~ Exp(λ), 1/λ − Δ e^(−λΔ)/(1 − e^(−λΔ)),
  /// which is Δ/2 − λΔ²/12 + ... for λΔ ≪ 1.
  public static func expectedLostWork(interruptionRate λ: Double, interval Δ: Hours) -> Hours {
    1 / λ - Δ * exp(-λ * Δ) / -expm1(-λ * Δ)
  }

  /// The expected length of the restart phase after a failure (hang d and restart u0, started
  /// over by each further failure at rate λ): (e^(λ(d+u0)) − 1)/λ.
  public static func expectedRestartPhase(interruptionRate λ: Double, hangAndRestart: Hours) -> Hours {
    expm1(λ * hangAndRestart) / λ
  }
}
