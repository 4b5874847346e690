import RpcServer
import RpcClient
print("tidepool")
