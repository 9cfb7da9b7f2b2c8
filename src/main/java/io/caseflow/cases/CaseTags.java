package io.caseflow.cases;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The tag every case event carries: its slice, which spreads cases over a fixed number of slices,
 * one read-side projection instance per slice. The count must stay fixed once events exist, since
 * events keep the tag they were written with.
 */
public record CaseTags(int slices) {

  private static final String PREFIX = "case-slice-";

  public CaseTags {
    if (slices < 1) {
      throw new IllegalArgumentException("slices must be 1 or more, was " + slices);
    }
  }

  public int sliceOf(CaseId caseId) {
    return Math.floorMod(caseId.entityId().hashCode(), slices);
  }

  public Set<String> tagsFor(CaseId caseId) {
    return Set.of(tag(sliceOf(caseId)));
  }

  public static String tag(int slice) {
    return PREFIX + slice;
  }

  public List<String> allTags() {
    return IntStream.range(0, slices).mapToObj(CaseTags::tag).toList();
  }
}
