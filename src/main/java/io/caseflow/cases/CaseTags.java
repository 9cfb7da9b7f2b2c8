package io.caseflow.cases;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The tags every case event carries. The slice tag spreads cases over a fixed number of slices, one
 * read-side projection instance per slice; the count must stay fixed once events exist, since
 * events keep the tag they were written with. The tenant tag lets a tenant's live event stream read
 * its events alone from the journal, in journal order.
 */
public record CaseTags(int slices) {

  private static final String PREFIX = "case-slice-";
  private static final String TENANT_PREFIX = "case-tenant-";

  public CaseTags {
    if (slices < 1) {
      throw new IllegalArgumentException("slices must be 1 or more, was " + slices);
    }
  }

  public int sliceOf(CaseId caseId) {
    return Math.floorMod(caseId.entityId().hashCode(), slices);
  }

  public Set<String> tagsFor(CaseId caseId) {
    return Set.of(tag(sliceOf(caseId)), tenantTag(caseId.tenant()));
  }

  public static String tenantTag(String tenant) {
    return TENANT_PREFIX + tenant;
  }

  public static String tag(int slice) {
    return PREFIX + slice;
  }

  public List<String> allTags() {
    return IntStream.range(0, slices).mapToObj(CaseTags::tag).toList();
  }
}
