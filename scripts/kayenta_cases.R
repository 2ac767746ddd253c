# Reference intervals for tests/judge_kayenta.rs: R's asymptotic wilcox.test interval at 98 %,
# the interval Kayenta's NetflixACAJudge classifies by. Run: Rscript scripts/kayenta_cases.R
show <- function(label, canary, baseline) {
  w <- wilcox.test(canary, baseline, conf.int = TRUE, exact = FALSE, correct = TRUE,
                   conf.level = 0.98)
  cat(sprintf("%s: low %.10g, estimate %.10g, high %.10g, mean ratio %.6g\n", label,
              w$conf.int[1], w$estimate, w$conf.int[2], mean(canary) / mean(baseline)))
}
show("spinnaker#6278", c(rep(100, 7), rep(1, 3)), rep(1, 10))
show("kayenta#426", c(0, 1, 2, 1, 0, 0), rep(0, 6))
show("tie-out", c(10, 20, 30, 40), c(1, 2, 3, 4))
show("shifted", 130 + (0:29 %% 10), 100 + (0:29 %% 10))
