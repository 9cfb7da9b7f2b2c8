package io.caseflow.readside;

import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseTags;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The cases with journal events that the read side has not applied yet: in each slice, those with
 * an event of the slice's tag past the offset its projection stored, which moves in the transaction
 * that applies the events. One range of the tag index ({@code event_tag_by_tag}) per slice, so it
 * costs what the backlog holds, not what the journal does: nothing much while the read side keeps
 * up, the whole journal only for a read side that never ran or was just reset for a rebuild.
 *
 * <p>An event the live projection gave up on below its offset (a commit slower than the read
 * journal waits, which {@link Reconciliation} repairs) is not counted.
 */
public final class UnappliedCases {

  private static final String CASES = CaseEntity.TYPE_KEY.name() + "|";

  private UnappliedCases() {}

  /** The cases behind. */
  public static Set<CaseId> in(Connection connection, CaseTags tags) throws SQLException {
    Set<CaseId> behind = new LinkedHashSet<>();
    for (int slice = 0; slice < tags.slices(); slice++) {
      String tag = CaseTags.tag(slice);
      long offset = CaseProjection.storedOffset(connection, tag);
      Sql.query(
          connection,
          "SELECT DISTINCT j.\"persistence_id\" FROM \"event_tag\" t"
              + " JOIN \"event_journal\" j ON j.\"ordering\" = t.\"event_id\""
              + " WHERE t.\"tag\" = ? AND t.\"event_id\" > ?",
          row -> behind.add(CaseId.fromEntityId(row.getString(1).substring(CASES.length()))),
          tag,
          offset);
    }
    return behind;
  }
}
