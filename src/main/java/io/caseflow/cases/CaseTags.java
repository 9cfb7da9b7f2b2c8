package io.caseflow.cases;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Spreads cases over a fixed number of slices; every event of a case carries its slice's tag, and
 * one read-side projection instance consumes each tag. The count must stay fixed once events exist:
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
