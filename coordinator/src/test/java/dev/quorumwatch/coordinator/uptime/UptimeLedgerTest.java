package dev.quorumwatch.coordinator.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UptimeLedgerTest {
  private static final long HOUR = 3_600_000;
  /** State-clock times are epoch milliseconds; 0 means "never" in the ledger. */
  private static final long T0 = 1_790_000_000_000L;

  @Test
  void countsDownIntervalsWithinTheWindowOnly() {
    UptimeLedger ledger = new UptimeLedger();
    ledger.onVerdictKnown(T0);
    ledger.downStarted(T0 + 10 * HOUR);
    ledger.downEnded(T0 + 11 * HOUR);
    assertThat(ledger.uptimePercent(T0 + 20 * HOUR, 24 * HOUR)).isCloseTo(95.0, within(1e-9));
    // 40 h later the outage has left the 24 h window but not the 7 d one.
    assertThat(ledger.uptimePercent(T0 + 60 * HOUR, 24 * HOUR)).isEqualTo(100.0);
    assertThat(ledger.uptimePercent(T0 + 60 * HOUR, 7 * 24 * HOUR)).isCloseTo(100.0 * 59 / 60, within(1e-9));
  }

  @Test
  void anOpenOutageCountsUntilNow() {
    UptimeLedger ledger = new UptimeLedger();
    ledger.onVerdictKnown(T0);
    ledger.downStarted(T0 + HOUR);
    assertThat(ledger.uptimePercent(T0 + 2 * HOUR, 24 * HOUR)).isCloseTo(50.0, within(1e-9));
  }

  @Test
  void beforeAnyVerdictUptimeIsFull() {
    assertThat(new UptimeLedger().uptimePercent(T0 + HOUR, 24 * HOUR)).isEqualTo(100.0);
  }
}
