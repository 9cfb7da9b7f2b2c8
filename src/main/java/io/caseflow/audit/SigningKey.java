package io.caseflow.audit;

import io.caseflow.notify.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Ed25519 key pair that signs audit checkpoints (the JDK's own EdDSA). It lives in a file,
 * never in the database: whoever can write the database cannot sign. The file holds the private key
 * as PKCS#8 ({@code PRIVATE KEY}) and the public key as X.509 ({@code PUBLIC KEY}), both PEM, as
 * OpenSSL writes them:
 *
 * <pre>
 * openssl genpkey -algorithm ed25519 -out audit-signing-key.pem
 * openssl pkey -in audit-signing-key.pem -pubout &gt;&gt; audit-signing-key.pem
 * </pre>
 */
public final class SigningKey {

  private static final String ALGORITHM = "Ed25519";
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** A new random key pair. */
  public static SigningKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
      return new SigningKey(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JDK", e);
    }
  }

  /**
   * The key pair in {@code file}.
   *
   * @throws IllegalArgumentException when the file lacks either key, holds another algorithm's, or
   *     its public key is not the private key's
   */
  public static SigningKey read(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    PrivateKey privateKey = null;
    PublicKey publicKey = null;
    Matcher block = PEM.matcher(pem);
    try {
      KeyFactory keys = KeyFactory.getInstance(ALGORITHM);
      while (block.find()) {
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        switch (block.group(1)) {
          case "PRIVATE KEY" -> privateKey = keys.generatePrivate(new PKCS8EncodedKeySpec(der));
          case "PUBLIC KEY" -> publicKey = keys.generatePublic(new X509EncodedKeySpec(der));
          default -> throw new IllegalArgumentException("holds a " + block.group(1));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("does not hold an Ed25519 key: " + e.getMessage());
    }
    if (privateKey == null || publicKey == null) {
      throw new IllegalArgumentException(
          "must hold both an Ed25519 PRIVATE KEY and its PUBLIC KEY (PEM)");
    }
    SigningKey key = new SigningKey(privateKey, publicKey);
    byte[] probe = "caseflow".getBytes(StandardCharsets.US_ASCII);
    if (!verifies(publicKey, probe, key.sign(probe))) {
      throw new IllegalArgumentException("holds a public key that is not its private key's");
    }
    return key;
  }

  /**
   * Writes the pair to a new file readable by its owner only, whole or not at all.
   *
   * @throws java.nio.file.FileAlreadyExistsException when the file exists: a key is never replaced
   */
  public void writeNew(Path file) throws IOException {
    SecretFiles.writeNew(file, pem("PRIVATE KEY", privateKey.getEncoded()) + publicKeyPem());
  }

  /** The signature of {@code content}, base64url without padding. */
  public String sign(byte[] content) {
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(privateKey);
      signer.update(content);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot sign with Ed25519", e);
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public String publicKeyPem() {
    return pem("PUBLIC KEY", publicKey.getEncoded());
  }

  /** Names the key: the first 16 hex digits of the SHA-256 of its public key (X.509 DER). */
  public String keyId() {
    return keyIdOf(publicKey);
  }

  public static String keyIdOf(PublicKey publicKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * The public key in a PEM text ({@code PUBLIC KEY}), as {@code GET /audit/public-key} and the
   * export directory give it.
   *
   * @throws IllegalArgumentException when the text holds no Ed25519 public key
   */
  public static PublicKey readPublicKey(String pem) {
    Matcher block = PEM.matcher(pem);
    while (block.find()) {
      if (block.group(1).equals("PUBLIC KEY")) {
        try {
          return KeyFactory.getInstance(ALGORITHM)
              .generatePublic(
                  new X509EncodedKeySpec(Base64.getMimeDecoder().decode(block.group(2))));
        } catch (GeneralSecurityException e) {
          throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage());
        }
      }
    }
    throw new IllegalArgumentException("no PUBLIC KEY block");
  }

  /** Whether {@code signature} (base64url) is the key's signature of {@code content}. */
  public static boolean verifies(PublicKey publicKey, byte[] content, String signature) {
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(publicKey);
      verifier.update(content);
      return verifier.verify(Base64.getUrlDecoder().decode(signature));
    } catch (IllegalArgumentException | java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot verify with Ed25519", e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** Keeps the private key out of logs. */
  @Override
  public String toString() {
    return "SigningKey[Ed25519 " + keyId() + "]";
  }
}
