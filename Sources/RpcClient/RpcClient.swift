// RpcClient
