/** A self-signed certificate for 127.0.0.1, made with openssl for each test (the broker's tests make theirs the same way). */
export * from "../../broker/test/certificate";
