package io.caseflow.readside;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What operators see of the read side, and the rebuild they can start. */
public final class ReadSideAdmin {

  private final ProjectionLag lag;
  private final Reconciliation reconciliation;
  private final DeadLetters deadLetters;
  private final ReadSideRebuild rebuild;

  public ReadSideAdmin(
      ProjectionLag lag,
      Reconciliation reconciliation,
      DeadLetters deadLetters,
      ReadSideRebuild rebuild) {
    this.lag = lag;
    this.reconciliation = reconciliation;
    this.deadLetters = deadLetters;
    this.rebuild = rebuild;
  }

  public List<ProjectionLag.Lag> lag() {
    return lag.current();
  }

  public List<DeadLetters.DeadLetter> deadLetters() {
    return deadLetters.all();
  }

  /** Lag per projection, last reconciliation, dead letters and rebuild progress. Blocking. */
  public Map<String, Object> status() {
    List<ProjectionLag.Lag> lags = lag.current();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("projections", lags);
    status.put("reconciliation", reconciliation.lastReport().orElse(null));
    status.put("deadLetters", deadLetters.all());
    status.put("rebuild", rebuildStatus(lags));
    return status;
  }

  public Map<String, Object> startRebuild() {
    rebuild.start();
    return rebuildStatus(lag.current());
  }

  private Map<String, Object> rebuildStatus(List<ProjectionLag.Lag> lags) {
    ReadSideRebuild.Status current = rebuild.status();
    long pending = lags.stream().mapToLong(ProjectionLag.Lag::eventsBehind).sum();
    Map<String, Object> status = new LinkedHashMap<>();
    boolean caughtUp = current.phase() == ReadSideRebuild.Phase.REPLAYING && pending == 0;
    status.put("phase", caughtUp ? "complete" : current.phase().name().toLowerCase());
    status.put("startedAt", current.startedAt());
    status.put("eventsPending", pending);
    status.put("error", current.error());
    return status;
  }
}
