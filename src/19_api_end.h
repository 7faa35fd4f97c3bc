#ifdef __cplusplus
}
#endif
#endif /* ODEUS_AUTH_H */
