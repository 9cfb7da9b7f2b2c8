package io.caseflow.app;

/** A configuration value the service refuses to start with; the message names the setting. */
public final class InvalidSettingException extends RuntimeException {

  public InvalidSettingException(String setting, String problem) {
    super("setting '" + setting + "' " + problem);
  }
}
