package io.caseflow.audit;

/**
 * The checkpoint export holds a checkpoint the database does not: the database was restored from a
 * backup older than the last export, or is not the database the exported chain was made from. A
 * checkpoint made now would take a number the export already has (a fork of the exported chain), so
 * none is made until an operator has looked (README, "Backup and restore").
 */
public final class DatabaseBehindExport extends IllegalStateException {

  private final long exported;
  private final long stored;

  DatabaseBehindExport(long exported, long stored, String why) {
    super(
        "The audit export holds checkpoint "
            + exported
            + " but "
            + why
            + ": the database was restored from an older backup, or is not the one the exported"
            + " chain was made from. No checkpoint is made, so the exported chain is neither forked"
            + " nor overwritten. Verify the database against the export offline (verify-audit: it"
            + " names the cases whose history the export holds further), then move the export"
            + " aside, keeping it, and let the checkpoints continue into an empty export directory"
            + " (README, 'Backup and restore').");
    this.exported = exported;
    this.stored = stored;
  }

  /** The highest checkpoint number the export holds. */
  public long exported() {
    return exported;
  }

  /** The highest checkpoint number the database holds. */
  public long stored() {
    return stored;
  }
}
