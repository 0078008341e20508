// The AWS Step Functions API over HTTP (sfn serve).
